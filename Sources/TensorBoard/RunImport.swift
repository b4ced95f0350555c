import Foundation
import Runs

/// Turns TensorBoard event files written by any program into the run events the screen understands.
public enum RunImport {
    /// What reading a TensorBoard log folder gave.
    public struct Result: Sendable {
        public var contents: RunFileContents
        /// Problems per file, with offsets.
        public var problems: [(file: String, problem: TFRecord.Problem)]
        /// Tags nothing was mapped to.
        public var ignoredTags: Set<String>
        /// Summaries of other kinds nothing shows, as "tag (kind)": histograms, audio, colour images, other plugins.
        public var unread: Set<String> = []
    }

    /// Reads every event file in `dir` (or the one file `path`) and maps its tags.
    public static func read(_ path: String, mapping: TagMapping = TagMapping()) -> Result? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
        let files: [(path: String, subfolder: EventFile.Subfolder?)] = isDir.boolValue ? EventFile.runFiles(in: path) : [(path, nil)]
        guard !files.isEmpty else { return nil }
        let read = files.map { f -> EventFile.Contents in
            var c = EventFile.read(f.path)
            f.subfolder?.adapt(&c.events)
            return c
        }
        let name = ((isDir.boolValue ? path : (path as NSString).deletingLastPathComponent) as NSString).lastPathComponent
        var result = convert(read.flatMap(\.events), name: name, mapping: mapping)
        result.problems = read.flatMap { c in c.problems.map { (c.path, $0) } }
        let skipped = result.problems.map { RunFileContents.SkippedLine(line: 0, reason: "\(($0.file as NSString).lastPathComponent) \($0.problem)") }
        result.contents.skipped = skipped + result.contents.skipped
        return result
    }

    /// Wall-clock seconds since the first event, as a duration the screen can show (clock skew gives 0).
    static func seconds(_ t: Double) -> Double { t.isFinite ? min(max(0, t), 1e12) : 0 }

    /// A step record from one step's logged fields, or nil when the step logged none of the main series.
    static func stepRecord(_ r: Row, step: Int, latent: Int, layers: Int, firstWall: Double) -> StepMetrics? {
        let fields = StepMetrics.fields
        func list(_ i: Int) -> [Double]? { i < r.stepLists.count && !r.stepLists[i].isEmpty ? r.stepLists[i] : nil }
        guard Index.main.contains(where: { r.has(step: $0) && r.step[$0].isFinite }) || list(Index.klDims) != nil else { return nil }
        var m = StepMetrics.blank
        for (i, f) in fields.enumerated() {
            if r.has(step: i) { f.set(r.step[i], in: &m); continue }
            switch f.value {   // not logged: nan for measurements, the neutral value for settings and counts
            case .float, .double: f.set(Index.zeroWhenAbsent.contains(i) ? 0 : .nan, in: &m)
            case .floats(let k):
                let xs = list(i) ?? []
                let width = f.list == .layer ? layers : latent
                m[keyPath: k] = (0..<width).map { $0 < xs.count ? Float(xs[$0]) : .nan }
            case .optionalFloats(let k): if let xs = list(i) { m[keyPath: k] = xs.map { Float($0) } }
            default: break
            }
        }
        if r.ganSet != 0 {
            var g = GANStepMetrics.blank
            for (i, f) in GANStepMetrics.fields.enumerated() { f.set(r.ganSet & (1 << UInt64(i)) != 0 ? r.gan[i] : .nan, in: &g) }
            m.gan = g
        }
        m.step = step
        m.epoch = max(m.epoch, 1)
        if !r.has(step: Index.time) { m.time = Self.seconds(r.wall - firstWall) }
        if !r.has(step: Index.gradNormClipped) { m.gradNormClipped = m.gradNorm }
        if !r.has(step: Index.clipCoef) { m.clipCoef = 1 }
        if !r.has(step: Index.kl), !m.klDims.isEmpty { m.kl = m.klDims.reduce(0, +) }
        if !r.has(step: Index.loss), m.recon.isFinite, m.kl.isFinite { m.loss = m.recon + (m.beta.isFinite ? Float(m.beta) : 1) * m.kl }
        return m
    }

    /// An evaluation record from one step's logged evaluation fields (the rest nan, active units 0).
    static func evalRecord(_ r: Row, step: Int) -> EvalMetrics {
        var m = EvalMetrics.blank
        for (i, f) in EvalMetrics.fields.enumerated() {
            if r.evalSet & (1 << UInt64(i)) != 0 { f.set(r.eval[i], in: &m) }
            else if f.list == nil && !f.isOptional && f.key != "activeUnits" && f.key != "images" { f.set(.nan, in: &m) }
            if i < r.evalLists.count, !r.evalLists[i].isEmpty, case .floats(let k) = f.value { m[keyPath: k] = r.evalLists[i].map { Float($0) } }
        }
        m.step = step
        m.epoch = max(m.epoch, 1)
        m.activeUnits = max(0, min(m.activeUnits, RunEvent.maxListed))
        return m
    }

    /// The records of one text summary: `RunExport`'s `changes` and `alerts` texts (one per line) read back as
    /// changes and alerts; any other text (a script's `add_text` note) is an informational line of the event log.
    static func textRecords(_ t: (step: Int64, tag: String, text: String)) -> [RunEvent] {
        let step = Int(t.step)
        let isOurs = ["changes", "alerts"].contains { t.tag == $0 || t.tag.hasPrefix($0 + "/") }
        guard !isOurs else {
            return t.text.split(separator: "\n").map { line in
                parseChange(String(line), step: step).map { .change($0) } ?? .alert(parseAlert(String(line), step: step))
            }
        }
        // PyTorch's add_text tags the value "NAME/text_summary"; the log shows NAME and the text on one line.
        let name = t.tag.hasSuffix("/text_summary") ? String(t.tag.dropLast("/text_summary".count)) : t.tag
        let flat = t.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        let text = flat.count > 400 ? String(flat.prefix(399)) + "…" : flat
        return [.alert(Alert(step: step, level: .info, message: "\(name): \(text)"))]
    }

    /// Reads back the text `RunExport` writes for a change: "lr: 0.001 → 0.002 (keyboard)".
    static func parseChange(_ text: String, step: Int) -> ParameterChange? {
        guard let colon = text.firstIndex(of: ":"), let p = Hyperparameter(rawValue: String(text[..<colon])) else { return nil }
        let rest = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let parts = rest.components(separatedBy: " → ")
        guard parts.count == 2, let open = parts[1].firstIndex(of: "(") else { return nil }
        let newText = parts[1][..<open].trimmingCharacters(in: .whitespaces)
        let source = parts[1][parts[1].index(after: open)...].trimmingCharacters(in: CharacterSet(charactersIn: ") "))
        return ParameterChange(step: step, parameter: p, old: Double(parts[0]), new: Double(newText), source: source)
    }

    /// Reads back the text `RunExport` writes for an alert: "[warning] latent dimension 3 collapsed"; other text is
    /// an informational note.
    static func parseAlert(_ text: String, step: Int) -> Alert {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"),
           let level = Alert.Level(rawValue: String(text[text.index(after: text.startIndex)..<close])) {
            return Alert(step: step, level: level, message: text[text.index(after: close)...].trimmingCharacters(in: .whitespaces))
        }
        return Alert(step: step, level: .info, message: text)
    }

    /// Where one scalar goes: a field of the step record (an element of a list field: a latent dimension or a
    /// layer), of its VAE-GAN part, or of an evaluation.
    enum Target: Hashable {
        case step(Int), stepElement(Int, Int), stepLayer(Int, String), gan(Int), eval(Int), evalElement(Int, Int)
    }

    /// The fields of one step, as logged.
    struct Row {
        /// Scalars by field index (nan where absent) and which were logged, per table.
        var step: [Double] = [], stepSet: UInt64 = 0, gan: [Double] = [], ganSet: UInt64 = 0, eval: [Double] = [], evalSet: UInt64 = 0
        /// List fields by field index (empty where absent).
        var stepLists: [[Double]] = [], evalLists: [[Double]] = []
        var wall = 0.0

        func has(step i: Int) -> Bool { stepSet & (1 << UInt64(i)) != 0 }
        /// Puts `v` at `i`, the table sized once (`width` nans) on first use: no reallocation per field.
        static func put(_ v: Double, at i: Int, in list: inout [Double], width: Int) {
            if list.isEmpty { list = Array(repeating: .nan, count: max(width, i + 1)) }
            else if list.count <= i { list.append(contentsOf: repeatElement(.nan, count: i + 1 - list.count)) }
            list[i] = v
        }
        /// Puts element `j` of list field `i`; a list grows one element at a time into capacity reserved up front.
        static func put(_ v: Double, at j: Int, of i: Int, in lists: inout [[Double]], width: Int) {
            if lists.count <= i { lists.append(contentsOf: repeatElement([], count: max(width, i + 1) - lists.count)) }
            if lists[i].isEmpty { lists[i].reserveCapacity(max(j + 1, 32)) }
            while lists[i].count < j { lists[i].append(.nan) }
            if lists[i].count == j { lists[i].append(v) } else { lists[i][j] = v }
        }

        /// Adds one resolved scalar (layer names already turned into indices).
        mutating func add(_ t: Target, _ v: Double) {
            switch t {
            case .step(let i): Self.put(v, at: i, in: &step, width: Index.stepWidth); stepSet |= 1 << UInt64(i)
            case .gan(let i): Self.put(v, at: i, in: &gan, width: Index.ganWidth); ganSet |= 1 << UInt64(i)
            case .eval(let i): Self.put(v, at: i, in: &eval, width: Index.evalWidth); evalSet |= 1 << UInt64(i)
            case .stepElement(let i, let j): Self.put(v, at: j, of: i, in: &stepLists, width: Index.stepWidth)
            case .evalElement(let i, let j): Self.put(v, at: j, of: i, in: &evalLists, width: Index.evalWidth)
            case .stepLayer: break
            }
        }
    }

    /// Field indices `convert` needs, found once.
    enum Index {
        static let stepWidth = StepMetrics.fields.count
        static let ganWidth = GANStepMetrics.fields.count
        static let evalWidth = EvalMetrics.fields.count
        static let klDims = StepMetrics.index(of: "klDims")!
        static let time = StepMetrics.index(of: "time")!
        static let gradNormClipped = StepMetrics.index(of: "gradNormClipped")!
        static let clipCoef = StepMetrics.index(of: "clipCoef")!
        static let kl = StepMetrics.index(of: "kl")!
        static let loss = StepMetrics.index(of: "loss")!
        /// Settings and counters that read 0 when not logged (the rest of the measurements read nan).
        static let zeroWhenAbsent = Set(StepMetrics.fields.indices.filter { ["freeBits", "time", "samplesPerSecond"].contains(StepMetrics.fields[$0].key) })
        /// A step record is made only for a step that logged one of these (or the KL per dimension).
        static let main = StepMetrics.fields.indices.filter { ["loss", "recon", "kl", "lr", "beta", "gradNorm"].contains(StepMetrics.fields[$0].key) }
    }

    /// The target of a tag: the tags `RunExport` writes (from the field tables) first, then `mapping`.
    static func target(_ tag: String, mapping: TagMapping) -> Target? {
        if mapping.explicit[tag] == nil, let t = exported(tag.lowercased()) { return t }
        guard let f = mapping.field(for: tag) else { return nil }
        func step(_ key: String) -> Int { StepMetrics.index(of: key)! }
        switch f {
        case .loss: return .step(step("loss"))
        case .recon: return .step(step("recon"))
        case .kl: return .step(step("kl"))
        case .klDim(let j): return .stepElement(step("klDims"), j)
        case .lr: return .step(step("lr"))
        case .beta: return .step(step("beta"))
        case .momentum: return .step(step("momentum"))
        case .freeBits: return .step(step("freeBits"))
        case .gradNorm: return .step(step("gradNorm"))
        case .gradNormClipped: return .step(step("gradNormClipped"))
        case .gradNormLayer(let n): return .stepLayer(step("layerGradNorms"), n)
        case .testLoss: return .eval(EvalMetrics.index(of: "loss")!)
        }
    }

    /// The target of a tag as `RunExport` writes it (lower-cased), from the field tables.
    static func exported(_ t: String) -> Target? {
        /// The dimension a per-dimension tag names after `prefix` (at least two characters, a whole number ≥ 0).
        func element(_ prefix: String) -> Int? {
            guard t.hasPrefix(prefix) else { return nil }
            let rest = t.dropFirst(prefix.count)
            guard rest.count >= 2, let j = Int(rest), j >= 0 else { return nil }
            return j
        }
        for (i, f) in StepMetrics.fields.enumerated() {
            guard let tag = f.tag?.lowercased() else { continue }
            if case .gan = f.value {
                guard t.hasPrefix(tag) else { continue }
                let rest = t.dropFirst(tag.count)
                if let g = GANStepMetrics.fields.firstIndex(where: { $0.tag?.lowercased() == String(rest) }) { return .gan(g) }
            } else if f.list == nil {
                if t == tag { return .step(i) }
            } else if f.list == .latent, let j = element(tag) {
                return .stepElement(i, j)
            }
        }
        for (i, f) in EvalMetrics.fields.enumerated() {
            guard let tag = f.tag?.lowercased() else { continue }
            if f.list == nil { if t == tag { return .eval(i) } }
            else if f.list == .latent, let j = element(tag) { return .evalElement(i, j) }
        }
        return nil   // layer norms (`grad_norm/NAME`) are the convention's
    }

    /// Groups scalars by step into step records (the step fields in the field tables; what was not logged is nan,
    /// or 0 for counts); evaluation tags become evaluations, `changes` and `alerts` texts markers and alerts.
    public static func convert(_ events: [TensorBoardEvent], name: String, mapping: TagMapping) -> Result {
        var layerIndex: [String: Int] = [:]
        // Rows in order of first appearance, found by step (the last event's row first: a step's events are adjacent).
        var rows: [Row] = [], rowOf: [Int64: Int] = [:]
        var lastStep: Int64?, lastRow = 0
        var texts: [(step: Int64, tag: String, text: String)] = []
        var pictures: [Int64: [LoggedImage]] = [:]
        var hparams: [String: String] = [:]
        var ignored = Set<String>(), unread = Set<String>()
        var layerNames: [String] = []
        var maxDim = -1
        let firstWall = events.map(\.wallTime).filter { $0 > 0 }.min() ?? 0
        var resolved: [String: Target?] = [:]
        var recent: [(tag: String, target: Target?)] = []
        /// Where a tag's values go: its field, a latent dimension in range, or a layer (numbered in order of first
        /// appearance); nil when nothing shows it.
        func resolve(_ tag: String) -> Target? {
            guard let t = target(tag, mapping: mapping) else { return nil }
            switch t {
            case .stepElement(let i, let j), .evalElement(let i, let j):
                guard j >= 0, j < RunEvent.maxListed else { return nil }
                if case .stepElement = t, i == Index.klDims { maxDim = max(maxDim, j) }
                return t
            case .stepLayer(let i, let n):
                if let known = layerIndex[n] { return .stepElement(i, known) }
                guard layerNames.count < RunEvent.maxListed else { return nil }
                layerIndex[n] = layerNames.count
                layerNames.append(n)
                return .stepElement(i, layerNames.count - 1)
            default: return t
            }
        }
        for e in events {
            if e.step != lastStep {
                if let k = rowOf[e.step] { lastRow = k } else { lastRow = rows.count; rowOf[e.step] = lastRow; rows.append(Row()) }
                lastStep = e.step
            }
            rows[lastRow].wall = max(rows[lastRow].wall, e.wallTime)
            for (k, (tag, v)) in e.scalars.enumerated() {
                // Events repeat their tags in the same order: the tag at this position last time is checked first
                // (interned strings compare by identity), then the table; a tag is resolved once.
                let t: Target?
                if k < recent.count, recent[k].tag == tag { t = recent[k].target } else {
                    if let known = resolved[tag] { t = known } else {
                        t = resolve(tag)
                        resolved[tag] = t
                        if t == nil { ignored.insert(tag) }
                    }
                    if k < recent.count { recent[k] = (tag, t) } else { recent.append((tag, t)) }
                }
                if let t { rows[lastRow].add(t, v) }   // in place: no copy of the row's arrays
            }
            // One text value per tag and step; `RunExport` joins several changes or alerts with line breaks.
            for (tag, text) in e.texts { texts.append((e.step, tag, text)) }
            for (tag, png) in e.images {
                switch Swift.Result(catching: { try PNGImage(png, maxSide: RunEvent.maxImageSide) }) {
                case .success(let p) where !p.colour:
                    pictures[e.step, default: []].removeAll { $0.tag == tag }
                    pictures[e.step, default: []].append(LoggedImage(tag: tag, rows: p.rows, cols: p.cols, pixels: p.pixels))
                case .success: unread.insert("\(tag) (colour image)")
                case .failure(let error): unread.insert("\(tag) (\(error))")
                }
            }
            for (name, value) in e.hparams { hparams[name] = value }
            for (tag, kind) in e.others { unread.insert("\(tag) (\(kind))") }
        }
        let steps = rowOf.keys.sorted()
        var config = RunConfig()
        config.latent = max(1, maxDim + 1)
        config.epochs = 1
        var header = RunHeader(name: name, created: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: firstWall)),
                               config: config, layers: layerNames, parameters: 0, trainImages: 0, testImages: 0,
                               stepsPerEpoch: Int(steps.last ?? 0))
        // What this log holds: the screen says "not logged" for the rest.
        // Every tag that resolved names a field the log holds.
        var logged = Set<String>()
        for case let t? in resolved.values {
            switch t {
            case .step(let i), .stepElement(let i, _): logged.insert(StepMetrics.fields[i].key)
            case .gan: logged.insert("gan")
            case .eval(let i), .evalElement(let i, _): logged.insert("eval." + EvalMetrics.fields[i].key)
            case .stepLayer: break
            }
        }
        // Wall clock that moves is a training time.
        let walls = rows.map(\.wall)
        if let lo = walls.min(), let hi = walls.max(), hi > lo { logged.insert("time") }
        if !pictures.isEmpty { logged.insert("images") }
        header.logged = logged.sorted()
        if !hparams.isEmpty { header.hparams = hparams }
        // A TensorBoard log reads no commands: watching it offers no steering keys.
        header.capabilities = []
        var out: [RunEvent] = []
        var textIndex = 0
        let sortedTexts = texts.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
        let allSteps = pictures.isEmpty && texts.isEmpty ? steps : Set(steps).union(pictures.keys).union(texts.map(\.step)).sorted()
        for s in allSteps {
            if let k = rowOf[s] {
                let r = rows[k]
                if let m = stepRecord(r, step: Int(s), latent: maxDim + 1, layers: layerNames.count, firstWall: firstWall) {
                    out.append(.step(m))
                }
                if r.evalSet != 0 || !r.evalLists.isEmpty { out.append(.eval(evalRecord(r, step: Int(s)))) }
            }
            if let p = pictures[s]?.sorted(by: { $0.tag < $1.tag }), let first = p.first {
                out.append(.images(ImageRecord(step: Int(s), rows: first.rows, cols: first.cols, originals: [], reconstructions: [], samples: [], logged: p)))
            }
            while textIndex < sortedTexts.count && sortedTexts[textIndex].step <= s {
                out += textRecords(sortedTexts[textIndex])
                textIndex += 1
            }
        }
        // The same checks as the run-file reader: a record no reader can use is skipped and said.
        let problems = out.map { $0.problem() }
        var skipped: [RunFileContents.SkippedLine] = []
        for (e, why) in zip(out, problems) { if let why { skipped.append(.init(line: 0, reason: "step \(e.step): \(why)")) } }
        let kept = skipped.isEmpty ? out : zip(out, problems).filter { $0.1 == nil }.map(\.0)
        let contents = RunFileContents(header: header, events: kept, skipped: skipped, tornTail: false)
        return Result(contents: contents, problems: [], ignoredTags: ignored, unread: unread)
    }
}
