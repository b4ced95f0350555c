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
    }

    /// Reads every event file in `dir` (or the one file `path`) and maps its tags.
    public static func read(_ path: String, mapping: TagMapping = TagMapping()) -> Result? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
        let files = isDir.boolValue ? EventFile.files(in: path) : [path]
        guard !files.isEmpty else { return nil }
        let read = files.map(EventFile.read)
        let name = ((isDir.boolValue ? path : (path as NSString).deletingLastPathComponent) as NSString).lastPathComponent
        var result = convert(read.flatMap(\.events), name: name, mapping: mapping)
        result.problems = read.flatMap { c in c.problems.map { (c.path, $0) } }
        let skipped = result.problems.map { RunFileContents.SkippedLine(line: $0.problem.offset, reason: "\(($0.file as NSString).lastPathComponent) \($0.problem)") }
        result.contents.skipped = skipped + result.contents.skipped
        return result
    }

    /// Wall-clock seconds since the first event, as a duration the screen can show (clock skew gives 0).
    static func seconds(_ t: Double) -> Double { t.isFinite ? min(max(0, t), 1e12) : 0 }

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

    /// Groups scalars by step into step records; test-loss tags become evaluations, `changes` texts markers.
    public static func convert(_ events: [TensorBoardEvent], name: String, mapping: TagMapping) -> Result {
        struct Row { var loss = Double.nan, recon = Double.nan, kl = Double.nan, lr = Double.nan, beta = Double.nan
            var momentum: Double?, freeBits = 0.0, grad = Double.nan, clipped = Double.nan
            var dims: [Double] = [], layers: [Double] = [], test: Double?, wall = 0.0 }
        var fieldCache: [String: TagMapping.Field?] = [:]
        var layerIndex: [String: Int] = [:]
        var rows: [Int64: Row] = [:]
        var texts: [(Int64, String)] = []
        var ignored = Set<String>()
        var layerNames: [String] = []
        var maxDim = -1
        let firstWall = events.map(\.wallTime).filter { $0 > 0 }.min() ?? 0
        for e in events {
            var r = rows[e.step] ?? Row()
            r.wall = max(r.wall, e.wallTime)
            for (tag, v) in e.scalars {
                let cached: TagMapping.Field?
                if let c = fieldCache[tag] { cached = c } else { cached = mapping.field(for: tag); fieldCache[tag] = cached }
                guard let f = cached else { ignored.insert(tag); continue }
                switch f {
                case .loss: r.loss = v
                case .recon: r.recon = v
                case .kl: r.kl = v
                case .klDim(let j):
                    guard j >= 0, j < RunEvent.maxListed else { ignored.insert(tag); continue }
                    if r.dims.count <= j { r.dims += Array(repeating: .nan, count: j + 1 - r.dims.count) }
                    r.dims[j] = v; maxDim = max(maxDim, j)
                case .lr: r.lr = v
                case .beta: r.beta = v
                case .momentum: r.momentum = v
                case .freeBits: r.freeBits = v
                case .gradNorm: r.grad = v
                case .gradNormClipped: r.clipped = v
                case .gradNormLayer(let n):
                    if layerIndex[n] == nil && layerNames.count >= RunEvent.maxListed { ignored.insert(tag); continue }
                    let l: Int
                    if let known = layerIndex[n] { l = known } else { l = layerNames.count; layerIndex[n] = l; layerNames.append(n) }
                    if r.layers.count <= l { r.layers += Array(repeating: .nan, count: l + 1 - r.layers.count) }
                    r.layers[l] = v
                case .testLoss: r.test = v
                }
            }
            // PyTorch's add_text appends "/text_summary" to the tag.
            for (tag, text) in e.texts where tag == "changes" || tag.hasPrefix("changes/") { texts.append((e.step, text)) }
            rows[e.step] = r
        }
        let steps = rows.keys.sorted()
        var config = RunConfig()
        config.latent = max(1, maxDim + 1)
        config.epochs = 1
        let header = RunHeader(name: name, created: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: firstWall)),
                               config: config, layers: layerNames, parameters: 0, trainImages: 0, testImages: 0,
                               stepsPerEpoch: Int(steps.last ?? 0))
        var out: [RunEvent] = []
        var textIndex = 0
        let sortedTexts = texts.sorted { $0.0 < $1.0 }
        for s in steps {
            let r = rows[s]!
            let hasStep = [r.loss, r.recon, r.kl, r.lr, r.beta, r.grad].contains { $0.isFinite } || !r.dims.isEmpty
            if hasStep {
                let dims = (0..<(maxDim + 1)).map { $0 < r.dims.count ? Float(r.dims[$0]) : .nan }
                let loss = r.loss.isFinite ? r.loss : (r.recon.isFinite && r.kl.isFinite ? r.recon + (r.beta.isFinite ? r.beta : 1) * r.kl : .nan)
                out.append(.step(StepMetrics(step: Int(s), epoch: 1, loss: Float(loss), recon: Float(r.recon),
                                             kl: Float(r.kl.isFinite ? r.kl : (dims.isEmpty ? .nan : Double(dims.reduce(0, +)))), klDims: dims,
                                             beta: r.beta, lr: r.lr, momentum: r.momentum, freeBits: r.freeBits,
                                             gradNorm: Float(r.grad), gradNormClipped: Float(r.clipped.isFinite ? r.clipped : r.grad),
                                             layerGradNorms: layerNames.indices.map { $0 < r.layers.count ? Float(r.layers[$0]) : .nan }, batchSize: 0,
                                             samplesPerSecond: 0, time: Self.seconds(r.wall - firstWall))))
            }
            if let t = r.test {
                out.append(.eval(EvalMetrics(step: Int(s), epoch: 1, loss: Float(t), recon: .nan, kl: .nan, klDims: [], meanVariance: [],
                                             activeUnits: 0, collapsed: [], images: 0)))
            }
            while textIndex < sortedTexts.count && sortedTexts[textIndex].0 <= s {
                let (step, text) = sortedTexts[textIndex]
                if let change = parseChange(text, step: Int(step)) { out.append(.change(change)) }
                else { out.append(.alert(Alert(step: Int(step), level: .info, message: text))) }
                textIndex += 1
            }
        }
        // The same checks as the run-file reader: a record no reader can use is skipped and said.
        var kept: [RunEvent] = [], skipped: [RunFileContents.SkippedLine] = []
        kept.reserveCapacity(out.count)
        for e in out {
            if let why = e.problem() { skipped.append(.init(line: 0, reason: "step \(e.step): \(why)")) } else { kept.append(e) }
        }
        let contents = RunFileContents(header: header, events: kept, skipped: skipped, tornTail: false)
        return Result(contents: contents, problems: [], ignoredTags: ignored)
    }
}
