/// Named colours and gradients, in btop's vocabulary where one exists (main_bg, main_fg, title, hi_fg, …).
public struct Theme: Sendable, Equatable {
    /// Theme name (file name without extension).
    public var name: String
    /// Colours by key.
    public var colors: [String: Color]

    /// Every key vaetop reads, with the built-in dark default. Files may set any subset.
    public static let builtinColors: [String: Color] = [
        "main_bg": .rgb(0x10, 0x12, 0x18), "main_fg": .rgb(0xCC, 0xCC, 0xCC), "title": .rgb(0xEE, 0xEE, 0xEE),
        "hi_fg": .rgb(0xE0, 0x60, 0x60), "selected_bg": .rgb(0x1C, 0x2A, 0x48), "selected_fg": .rgb(0xFF, 0xFF, 0xFF),
        "inactive_fg": .rgb(0x60, 0x64, 0x70), "graph_text": .rgb(0x90, 0x94, 0xA0), "div_line": .rgb(0x40, 0x44, 0x50),
        "box": .rgb(0x50, 0x60, 0x80), "box_focus": .rgb(0x80, 0xB0, 0xFF),
        "loss": .rgb(0xF0, 0xF0, 0xF0), "recon": .rgb(0x5C, 0xB8, 0xFF), "kl": .rgb(0xFF, 0xA0, 0x40),
        "test": .rgb(0xFF, 0x50, 0xA0), "beta": .rgb(0xB0, 0x80, 0xFF), "lr": .rgb(0x50, 0xE0, 0x90),
        "momentum": .rgb(0x40, 0xC0, 0xC0), "grad": .rgb(0xFF, 0xD0, 0x40), "grad_clipped": .rgb(0x50, 0xE0, 0x90),
        "clip": .rgb(0xE0, 0x50, 0x50), "marker": .rgb(0xFF, 0xFF, 0x60), "ok": .rgb(0x50, 0xE0, 0x90),
        "warn": .rgb(0xFF, 0xC0, 0x40), "alert": .rgb(0xFF, 0x50, 0x50), "paused": .rgb(0xFF, 0xC0, 0x40),
        "collapsed": .rgb(0xE0, 0x50, 0x50),
        "heat_start": .rgb(0x10, 0x18, 0x30), "heat_mid": .rgb(0xC0, 0x40, 0x80), "heat_end": .rgb(0xFF, 0xE0, 0x80),
        "bar_start": .rgb(0x30, 0x80, 0xC0), "bar_mid": .rgb(0x50, 0xC0, 0x90), "bar_end": .rgb(0xF0, 0xE0, 0x60),
        "image_dark": .rgb(0x00, 0x00, 0x00), "image_light": .rgb(0xFF, 0xFF, 0xFF),
        "run_1": .rgb(0x5C, 0xA8, 0xFF), "run_2": .rgb(0xFF, 0x9F, 0x40), "run_3": .rgb(0x50, 0xE0, 0x90),
        "run_4": .rgb(0xFF, 0x50, 0x70), "run_5": .rgb(0xC0, 0x88, 0xFF), "run_6": .rgb(0xF0, 0xE0, 0x50),
        "run_7": .rgb(0x20, 0xB0, 0xB0), "run_8": .rgb(0xFF, 0x90, 0xC0),
    ]

    /// The built-in theme (used where a file leaves a key out, or when a file is broken).
    public static let builtin = Theme(name: "default", colors: builtinColors)

    public init(name: String, colors: [String: Color]) { self.name = name; self.colors = colors }

    /// The colour of `role`, falling back to the built-in theme.
    public subscript(_ role: ThemeRole) -> Color { color(named: role.rawValue) }

    /// The colour a theme file names `key`, falling back to the built-in theme.
    func color(named key: String) -> Color { colors[key] ?? Self.builtinColors[key] ?? .terminalDefault }

    /// A style with the role's foreground on the main background.
    public func style(_ role: ThemeRole, _ attributes: Style.Attributes = []) -> Style {
        Style(fg: self[role], bg: self[.mainBg], attributes: attributes)
    }

    /// btop's 101-step gradient: start → mid → end (mid optional), sampled at t ∈ [0, 1].
    public func gradient(_ ramp: ThemeGradient, _ t: Double) -> Color {
        let prefix = ramp.rawValue
        let t = t.isFinite ? min(1, max(0, t)) : 0
        let step = (t * 100).rounded() / 100
        let start = color(named: prefix + "_start"), end = color(named: prefix + "_end")
        if let mid = colors[prefix + "_mid"] ?? Self.builtinColors[prefix + "_mid"] {
            return step < 0.5 ? Color.mix(start, mid, step * 2) : Color.mix(mid, end, (step - 0.5) * 2)
        }
        return Color.mix(start, end, step)
    }
}
