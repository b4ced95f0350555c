import Runs
import TerminalUI

extension Panel { public static let images = Panel("images") }

/// Reconstructions of test digits and prior samples at the latest evaluation, the selected dimension's traversal,
/// or another program's logged image.
struct ImagesPanel: PanelView {
    let meta = PanelMeta(.images, "reconstructions · samples", short: "images", .sideMiddle)

    func hasData(_ run: RunView) -> Bool { run.images != nil || !run.loggedImages.isEmpty || (run.header?.logs("images") ?? true) }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.imagesPanel(&g, r, s) }
}

/// The images panel: one page at a time (`i`), at the largest size that shows at least two of its groups.
extension Screen {
    /// The largest scale (fewest pixels per cell) at which `minimum` groups of `perGroup` tiles fit `r`, each
    /// group with `extraRows` label rows; groups are laid out in rows, `gap` cells apart.
    static func imageLayout(_ r: Rect, rows: Int, cols: Int, perGroup: Int, groups: Int, extraRows: Int, gap: Int)
        -> (scale: Int, across: Int, down: Int)? {
        for minimum in [min(2, groups), 1] where minimum > 0 {
            for scale in 1...8 {
                let (w, h) = ImageTile.size(rows: rows, cols: cols, scale: scale)
                let groupWidth = perGroup * (w + 1) - 1, groupHeight = h + extraRows
                let across = (r.width + gap) / (groupWidth + gap), down = r.height / groupHeight
                if across >= 1 && down >= 1 && across * down >= minimum { return (scale, across, down) }
            }
        }
        return nil
    }

    static func imagesPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme
        if s.run.images == nil, !s.run.loggedImages.isEmpty, r.height >= 2 { return loggedImage(&g, r, s) }
        guard let im = s.run.images, r.height >= 2, (1...4096).contains(im.rows), (1...4096).contains(im.cols) else {
            let what = s.run.header?.logged == nil ? "waiting for the first evaluation" : "waiting for the first image"
            g.text(what, x: r.x + 1, y: r.y, style: t.style(.graphText), maxWidth: r.width - 1)
            return
        }
        let body = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
        let caption = t.style(.graphText)
        switch s.imagesPage {
        case .reconstructions:
            // Each test digit beside its reconstruction (the decoder's mean at the posterior mean).
            let pairs = zip(im.originals, im.reconstructions).map { [$0, $1] }
            fitted(&g, r, caption, ["test digit → reconstruction @\(im.step)  (i: samples)", "test digit → reconstruction @\(im.step)",
                                    "digit → recon @\(im.step)", "→ recon @\(im.step)"])
            drawGroups(&g, body, s, im, pairs)
        case .samples:
            fitted(&g, r, caption, ["decoded z ~ N(0, I) @\(im.step)  (i: traversal)", "decoded z ~ N(0, I) @\(im.step)", "samples @\(im.step)"])
            drawGroups(&g, body, s, im, im.samples.map { [$0] }, gap: 1)
        case .traversal:
            guard let tr = im.traversal else {
                let why = s.mode == .live ? "select a dimension in the KL panel (\(Panel.kl.number), ↑↓)" : "this run recorded no traversal"
                fitted(&g, r, caption, ["traversal: \(why)  (i: reconstructions)", "traversal: \(why)", "no traversal (i: next)"])
                return
            }
            let d = tr.dimension, name = d.latentName
            let kl = s.run.lastEval.flatMap { d < $0.klDims.count ? " (test KL \(fmt($0.klDims[d])))" : nil } ?? ""
            // A dimension selected that no trainer will draw now (a replay, a run that has ended) is said, not ignored.
            let cannotDraw = s.mode != .live || s.run.end != nil
            let stale = s.focus == .kl && s.selectedDimension != d && cannotDraw
                ? " · \(s.selectedDimension.latentName) " + (s.mode == .live ? "not drawn: the run has ended" : "not recorded") : ""
            fitted(&g, r, caption, ["\(name)\(kl) swept −3…3 @\(s.run.traversalStep)\(stale)  (i: reconstructions)",
                                    "\(name)\(kl) swept −3…3 @\(s.run.traversalStep)", "\(name)\(kl) @\(s.run.traversalStep)", "\(name) swept @\(s.run.traversalStep)", name])
            traversal(&g, body, s, im, tr)
        }
    }

    /// A picture another program logged (a TensorBoard image tag), at the smallest scale that shows it whole.
    static func loggedImage(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let logged = s.run.loggedImages
        let (step, picture) = logged[s.loggedImage % logged.count]
        let next = logged.count > 1 ? "  (i: \(s.loggedImage % logged.count + 1) of \(logged.count))" : ""
        fitted(&g, r, s.theme.style(.graphText), ["\(picture.tag) @\(step)\(next)", "\(picture.tag) @\(step)", "@\(step)"])
        let body = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
        var scale = 1
        while scale < max(picture.rows, picture.cols) {
            let (w, h) = ImageTile.size(rows: picture.rows, cols: picture.cols, scale: scale)
            if w <= body.width && h <= body.height { break }
            scale += 1
        }
        guard ImageTile.size(rows: picture.rows, cols: picture.cols, scale: scale).width <= body.width else { return }
        ImageTile(pixels: picture.pixels, rows: picture.rows, cols: picture.cols, scale: scale, ascii: s.ascii, shaded: s.monochrome)
            .render(into: &g, x: body.x, y: body.y, height: body.height, theme: s.theme)
    }

    /// Draws the first of `choices` that fits the width whole (a step number is never cut).
    static func fitted(_ g: inout Grid, _ r: Rect, _ style: Style, _ choices: [String]) {
        let text = choices.firstFitting(r.width, ascii: g.ascii) ?? ""
        g.text(text, x: r.x, y: r.y, style: style, maxWidth: r.width)
    }

    /// Draws groups of tiles (a digit and its reconstruction, or one sample) as many as fit, left to right, then down.
    static func drawGroups(_ g: inout Grid, _ r: Rect, _ s: AppState, _ im: ImageRecord, _ groups: [[[UInt8]]], gap: Int = 2) {
        guard let perGroup = groups.first?.count,
              let (scale, across, down) = imageLayout(r, rows: im.rows, cols: im.cols, perGroup: perGroup, groups: groups.count,
                                                      extraRows: 0, gap: gap) else { return }
        let (w, h) = ImageTile.size(rows: im.rows, cols: im.cols, scale: scale)
        let groupWidth = perGroup * (w + 1) - 1
        for (n, group) in groups.prefix(across * down).enumerated() {
            let gx = r.x + (n % across) * (groupWidth + gap), gy = r.y + (n / across) * h
            for (k, pixels) in group.enumerated() {
                ImageTile(pixels: pixels, rows: im.rows, cols: im.cols, scale: scale, ascii: s.ascii, shaded: s.monochrome)
                    .render(into: &g, x: gx + k * (w + 1), y: gy, height: r.maxY - gy, theme: s.theme)
            }
        }
    }

    /// The traversal: the test digit's row over the prior draw's, each tile labelled with its z_j value; five of the
    /// seven values when seven do not fit.
    static func traversal(_ g: inout Grid, _ r: Rect, _ s: AppState, _ im: ImageRecord, _ tr: ImageTraversal) {
        let t = s.theme
        let rowsOfTiles = [("test", tr.test), ("prior", tr.prior)].filter { !$0.1.isEmpty }
        let labelWidth = 6
        let area = Rect(x: r.x + labelWidth, y: r.y, width: r.width - labelWidth, height: r.height)
        var picks = Array(tr.values.indices)
        var layout = imageLayout(area, rows: im.rows, cols: im.cols, perGroup: picks.count, groups: rowsOfTiles.count, extraRows: 1, gap: 0)
        if tr.values.count == 7, layout.map({ $0.scale > 3 || $0.across * $0.down < rowsOfTiles.count }) ?? true {
            let five = [0, 1, 3, 5, 6]
            if let l = imageLayout(area, rows: im.rows, cols: im.cols, perGroup: 5, groups: rowsOfTiles.count, extraRows: 1, gap: 0),
               layout == nil || l.scale < layout!.scale || l.across * l.down > layout!.across * layout!.down {
                picks = five; layout = l
            }
        }
        guard let (scale, _, down) = layout else { return }
        let (w, h) = ImageTile.size(rows: im.rows, cols: im.cols, scale: scale)
        for (row, (name, tiles)) in rowsOfTiles.prefix(down).enumerated() {
            let y = r.y + row * (h + 1)
            g.text(name, x: r.x, y: y + h / 2, style: t.style(.graphText), maxWidth: labelWidth - 1)
            for (k, i) in picks.enumerated() where i < tiles.count {
                let x = area.x + k * (w + 1)
                ImageTile(pixels: tiles[i], rows: im.rows, cols: im.cols, scale: scale, ascii: s.ascii, shaded: s.monochrome)
                    .render(into: &g, x: x, y: y, height: r.maxY - y, theme: t)
                let v = tr.values[i] == 0 ? "0" : SeriesMath.label(tr.values[i])
                g.text(v, x: x + max(0, (w - v.count) / 2), y: y + h, style: t.style(.inactiveFg), maxWidth: w)
            }
        }
    }
}
