import Foundation
import Runs
import TerminalUI

/// Everything the screen shows about a run, accumulated from its events (live, replayed or followed alike).
public struct RunView: Sendable {
    public var header: RunHeader?
    /// Every field of every step record, one column each (`StepColumns`, from the field tables).
    public var columns = StepColumns()
    /// Step numbers of the step records, ascending.
    public var steps: [Double] { columns.numbers[StepColumns.stepField] }
    /// The history of each `StepSeries`: the column of the record field the field tables name for it (nan where a
    /// step did not report it; the VAE-GAN series are empty for a plain VAE).
    public var series: [[Double]] { StepSeries.allCases.map { columns[$0] } }
    public var loss: [Double] { columns[.loss] }
    public var recon: [Double] { columns[.recon] }
    public var kl: [Double] { columns[.kl] }
    public var beta: [Double] { columns[.beta] }
    public var lr: [Double] { columns[.lr] }
    /// β1/momentum per step (nan where not reported).
    public var momentum: [Double] { columns[.momentum] }
    /// Capacity C per step (nan outside capacity annealing).
    public var capacity: [Double] { columns[.capacity] }
    /// VAE-GAN per step: encoder, decoder, discriminator losses and D's mean outputs (empty for a plain VAE).
    public var ganEncoder: [Double] { columns[.ganEncoder] }
    public var ganDecoder: [Double] { columns[.ganDecoder] }
    public var ganDiscriminator: [Double] { columns[.ganDiscriminator] }
    public var dReal: [Double] { columns[.dReal] }
    public var dFake: [Double] { columns[.dFake] }
    public var dPrior: [Double] { columns[.dPrior] }
    /// Whether this run is a VAE-GAN.
    public var isGAN: Bool { header?.config.model == .vaeGAN }
    public var gradNorm: [Double] { columns[.gradNorm] }
    public var gradClipped: [Double] { columns[.gradClipped] }
    /// Whether the series holds a finite number at any step (a flag kept as steps come: no scan of the history).
    public func logs(_ s: StepSeries) -> Bool { columns.hasFinite(s) }
    /// TensorBoard-smoothed (debiased EMA, weight 0.6) copies of loss, recon, kl, gradNorm, gradClipped,
    /// kept up to date as steps arrive so a frame never re-smooths the whole history.
    public var smoothed = Smoothed()
    /// KL per dimension per step: klDims[i][dim].
    public var klDims: [[Float]] { columns.vectors[StepColumns.klDimsField] }
    public var evalSteps: [Double] = []
    public var evalLoss: [Double] = []
    /// Active units, collapsed dimensions and mutual information of each evaluation, aligned with `evalSteps`
    /// (nan where the writer did not log them): what a comparison charts besides the test loss.
    public var evalActive: [Double] = []
    public var evalCollapsed: [Double] = []
    public var evalMI: [Double] = []
    public var lastStep: StepMetrics?
    public var lastEval: EvalMetrics?
    /// The latest evaluations (up to `recentEvalCapacity`): a rewind finds the one in force at the step it goes back to.
    var recentEvals: [EvalMetrics] = []
    static let recentEvalCapacity = 64
    public var images: ImageRecord?
    /// Pictures another program logged (a TensorBoard import), the latest of each tag, in order of first appearance;
    /// with the step each was logged at.
    public var loggedImages: [(step: Int, image: LoggedImage)] = []
    /// The step of the latest traversal in `images`.
    public var traversalStep = 0
    /// The latest LR range test (live or from the run file).
    public var rangeTest: RangeTestRecord?
    /// Hyperparameter changes (markers on every chart).
    public var changes: [ParameterChange] = []
    /// Each change's marker tag (chart and event log), in `changes`' order: numbered in the order the changes came,
    /// so a tag is never given twice, even after a rewind took the later changes off the live line.
    public var changeTags: [String] = []
    /// Changes seen in all (the next tag).
    var changesSeen = 0
    /// Event log lines: (step, text, colour key).
    public var log: [LogLine] = []
    /// Lines before this index are not reordered (a rewind or resume went back in steps after them).
    var logBarrier = 0
    public var state: StateChange.State = .running
    public var end: RunSummary?
    /// Steps skipped as non-finite on the current branch (their step numbers).
    public var skippedSteps: [Int] = []
    /// Each guard's firings so far (by trigger: `diverge`, `spike`, …; a rewind does not take them back), and the
    /// batches guards left out.
    public var guardFirings: [String: Int] = [:]
    public var batchesSkipped = 0
    public var skipped: Int { skippedSteps.count }
    /// Branches the run left at rewinds, oldest first (drawn dimmed), and how many older ones were dropped.
    public var ghosts: [Ghost] = []
    public var droppedGhosts = 0
    /// The branch the run is on now (0 until its first rewind).
    public var branch = 0
    /// Steps the writer can rewind to now (from its latest `snapshots` record; empty: it keeps none).
    public var snapshotPoints: [Int] = []
    /// Thinning rounds so far (`RunView+Thinning`): 0 while every step is held at full resolution.
    public var thinned = 0
    /// Clip threshold in force (nil: off), from the config and changes.
    public var clipNorm: Double? { current[.clipNorm].flatMap { $0 > 0 ? $0 : nil } }
    /// Free-bits λ in force.
    public var freeBits: Double { current[.freeBits] ?? 0 }
    /// The value in force of each live-changeable hyperparameter (absent: off).
    public var current: [Hyperparameter: Double] = [:]
    /// Knobs whose value the writer did not say (another process's loop): shown as "–", nothing sent for them.
    public var unknownKnobs: Set<Hyperparameter> = []
    /// The step of the writer's latest collapse alert (`Alert.collapsed`): the collapse it reports is not repeated.
    var collapseAlertStep: Int?
    /// Dimensions reported collapsed (by the writer's alert or the screen's own line) and not reported back since:
    /// only these can be reported revived.
    var reportedCollapsed: Set<Int> = []
    /// A reported collapse is reported revived only once its test KL is this many times the threshold (hysteresis:
    /// a dimension hovering at the threshold does not flip collapsed / revived at every evaluation).
    static let revivalFactor = 2.0
    /// Steps the schedules plan for (epochs × steps per epoch).
    public var plannedSteps: Int { header?.plannedSteps ?? 0 }
    /// Images of the current epoch trained on so far (nil: not known, after a rewind or resume).
    public var epochImages: Int?

    /// One line of the event log.
    public struct LogLine: Sendable, Equatable {
        public var step: Int
        public var text: String
        /// Theme colour key.
        public var color: ThemeRole
    }

    public init() {}

    /// An outcome as the event log says it: "set lr applied from step 121", "set batch_size unsupported: …",
    /// "pause: already paused".
    public static func outcomeText(_ o: CommandOutcome) -> String {
        switch o.outcome {
        case .applied:
            // Done without a step to train from: nothing changed, and the reason says why ("set lr: lr is already 0.001…").
            if o.from == nil, let why = o.reason { return "\(o.subject): \(why)" }
            return "\(o.subject) applied" + (o.from.map { " from step \($0)" } ?? "") + (o.reason.map { ": \($0)" } ?? "")
        case .refused, .unsupported: return "\(o.subject) \(o.outcome.rawValue): \(o.reason ?? "no reason given")"
        }
    }

    /// Folds one event in.
    public mutating func apply(_ e: RunEvent) {
        if let cut = e.cutForScreen() { return apply(cut) }
        switch e {
        case .header(let h):
            self = RunView()
            header = h
            startValues(h)
        case .step(let m):
            columns.append(m)
            smoothed.append(loss: loss.last!, recon: recon.last!, kl: kl.last!, grad: gradNorm.last!, clipped: gradClipped.last!)
            if m.epoch != lastStep?.epoch { epochImages = lastStep == nil && m.step > 1 ? nil : 0 }
            epochImages = epochImages.map { $0 + m.batchSize }
            takeValues(m)
            lastStep = m
            if state != .running && state != .paused { state = .running }
            thinIfFull()
        case .eval(let m):
            // A second evaluation of the same step (the IWAE bound added to the last one) replaces it: one point each.
            if evalSteps.last == Double(m.step), !evalSteps.isEmpty {
                evalSteps.removeLast(); evalLoss.removeLast(); evalActive.removeLast(); evalCollapsed.removeLast(); evalMI.removeLast()
                if recentEvals.last?.step == m.step { recentEvals.removeLast() }
            }
            evalSteps.append(Double(m.step)); evalLoss.append(Double(m.loss))
            let h = header
            evalActive.append(h?.logs("eval.activeUnits") ?? true ? Double(m.activeUnits) : .nan)
            evalCollapsed.append(h?.logs("eval.klDims") ?? true && !m.klDims.isEmpty ? Double(m.collapsed.count) : .nan)
            evalMI.append(m.mutualInformation.map(Double.init) ?? .nan)
            thinEvalsIfFull()
            let previous = lastEval
            lastEval = m
            recentEvals.append(m)
            if recentEvals.count > Self.recentEvalCapacity { recentEvals.removeFirst(recentEvals.count - Self.recentEvalCapacity) }
            let au = header?.logs("eval.activeUnits") ?? true ? ", AU \(m.activeUnits)/\(m.klDims.count)" : ""
            let iwae = m.iwae.map { v in ", IWAE \(fmt(v)) (k \(m.iwaeK ?? 0))" } ?? ""
            log(m.step, "eval: test loss \(fmt(m.loss)) nats" + au + (m.mutualInformation.map { ", MI \(fmt($0))" } ?? "") + iwae, .mainFg)
            if let previous { logCollapseChanges(from: previous, to: m) }
        case .change(let c):
            changes.append(c)
            changeTags.append(Self.markerTag(changesSeen))
            changesSeen += 1
            current[c.parameter] = c.new
            unknownKnobs.remove(c.parameter)
            let old = c.old.map(c.parameter.text) ?? "off", new = c.new.map(c.parameter.text) ?? "schedule"
            // A guard's change names its rule's trigger ("guard diverge").
            let who = c.rule.map { "guard " + $0.prefix { $0 != ":" } } ?? c.source
            log(c.step, "[\(changeTags.last!)] \(c.parameter.label) \(old) → \(new) (\(who))", .marker)
        case .plan: break   // the reducer keeps it as the screen's plan
        case .skip(let s):
            batchesSkipped += s.batches
            log(s.step, "skipped \(s.batches) batches (\(s.images) images) of the data order (guard \(s.rule.prefix { $0 != ":" }))", .warn)
        case .outcome(let o):
            log(o.step, Self.outcomeText(o), o.outcome == .applied ? .inactiveFg : (o.outcome == .refused ? .alert : .warn))
        case .skipped(let s):
            skippedSteps.append(s.step)
            log(s.step, "skipped: \(s.reason)", .warn)
        case .alert(let a):
            if let dims = a.collapsed { collapseAlertStep = a.step; reportedCollapsed.formUnion(dims) }
            if let t = a.guardTrigger, let n = a.guardFiring { guardFirings[t] = max(guardFirings[t] ?? 0, n) }
            log(a.step, a.message, a.level == .error ? .alert : (a.level == .warning ? .warn : .mainFg))
        case .checkpoint(let c):
            log(c.step, "checkpoint \(c.path)", .inactiveFg)
        case .state(let s):
            if s.isResume { truncate(after: s.step); end = nil; logBarrier = log.count }
            state = s.state
            log(s.step, s.reason == s.state.rawValue ? s.state.rawValue : "\(s.state.rawValue): \(s.reason)", s.state == .paused ? .paused : .mainFg)
        case .rangeTest(let r):
            rangeTest = r
            if r.finished {
                let text = "lr range test: steepest \(r.steepest.map(fmt) ?? "n/a"), valley \(r.valley.map(fmt) ?? "n/a"), bounds \(r.cyclicBase.map(fmt) ?? "n/a") … \(r.cyclicMax.map(fmt) ?? "n/a")" + (r.applied.map { "; applied \($0.rawValue)" } ?? "")
                log(r.step, text, .mainFg)
            }
        case .images(let i) where i.logged != nil:
            for picture in i.logged ?? [] {
                if let k = loggedImages.firstIndex(where: { $0.image.tag == picture.tag }) { loggedImages[k] = (i.step, picture) }
                else { loggedImages.append((i.step, picture)) }
            }
        case .images(let i):
            // Empty lists mean "the same images as before" (a record may bring only a traversal), and a record without
            // a traversal keeps the last one.
            var record = i
            if let previous = images {
                if record.originals.isEmpty { record.originals = previous.originals }
                if record.reconstructions.isEmpty && record.samples.isEmpty {
                    record.reconstructions = previous.reconstructions; record.samples = previous.samples; record.step = previous.step
                }
                if record.traversal == nil { record.traversal = previous.traversal }
                else { traversalStep = i.step }
            } else if record.traversal != nil {
                traversalStep = i.step
            }
            images = record
        case .rewind(let r):
            rewind(r)
        case .snapshots(let s):
            snapshotPoints = s.points
        case .end(let e):
            end = e
            if e.reason == .finished { state = .finished } else if state == .running || state == .paused { state = .stopped }
            // The end record repeats a state line that just said it; otherwise it is the line that says the run ended.
            if log.last.map({ $0.step == e.step && $0.text.hasPrefix(e.reason.rawValue) }) != true {
                log(e.step, "run ended: \(e.reason.rawValue)", .mainFg)
            }
        }
    }

    /// The tag of the i-th change: its marker on the charts and its line in the log (1…9, then a…z, then again).
    public static func markerTag(_ i: Int) -> String { markerTags[((i % markerTags.count) + markerTags.count) % markerTags.count] }
    static let markerTags = "123456789abcdefghijklmnopqrstuvwxyz".map(String.init)

    /// Drops history after `step` (a resume from a checkpoint at `step` abandons what came after it).
    mutating func truncate(after step: Int) {
        let keep = SeriesIndex.count(steps, atMost: Double(step))
        guard keep < steps.count else { return }
        columns.keepFirst(keep)
        let e = SeriesIndex.count(evalSteps, atMost: Double(step))
        evalSteps.removeLast(evalSteps.count - e); evalLoss.removeLast(evalLoss.count - e)
        evalActive.removeLast(evalActive.count - e); evalCollapsed.removeLast(evalCollapsed.count - e)
        evalMI.removeLast(evalMI.count - e)
        recentEvals.removeAll { $0.step > step }
        if let l = lastEval, l.step > step { lastEval = recentEvals.last }
        let kept = changes.indices.filter { changes[$0].step <= step }
        changeTags = kept.map { changeTags[$0] }
        changes = kept.map { changes[$0] }
        skippedSteps.removeAll { $0 > step }
        epochImages = nil
        // The latest step shown is the one gone back to, every field of it as a replay shows it there.
        lastStep = columns.count > 0 ? columns.record(at: columns.count - 1) : nil
        // The knobs as they were there: the header's values, the changes kept, the step's own values.
        if let h = header {
            startValues(h)
            for c in changes { current[c.parameter] = c.new; unknownKnobs.remove(c.parameter) }
            if let m = lastStep { takeValues(m) }
        }
        smoothed = Smoothed()
        for i in steps.indices { smoothed.append(loss: loss[i], recon: recon[i], kl: kl[i], grad: gradNorm[i], clipped: gradClipped[i]) }
    }

    /// Dimensions that collapsed or came back between two evaluations, as log lines (any writer's evaluations; a
    /// collapse the writer already reported as an alert at that step is not repeated). A revival is reported only
    /// of a reported collapse, once its KL has risen to `revivalFactor` times the threshold.
    mutating func logCollapseChanges(from previous: EvalMetrics, to m: EvalMetrics) {
        let limit = header?.config.collapseThreshold ?? 0.01, threshold = fmt(limit)
        func names(_ dims: [Int]) -> String { dims.map(\.latentName).joined(separator: ", ") }
        let collapsed = Set(m.collapsed).subtracting(previous.collapsed).subtracting(reportedCollapsed).sorted()
        let revived = reportedCollapsed.filter { $0 < m.klDims.count && Double(m.klDims[$0]) >= limit * Self.revivalFactor }.sorted()
        let reported = collapseAlertStep == m.step
        if !collapsed.isEmpty && !reported {
            log(m.step, "\(names(collapsed)) collapsed (test KL < \(threshold) nats)", .warn)
        }
        reportedCollapsed.formUnion(collapsed)
        reportedCollapsed.subtract(revived)
        if !revived.isEmpty {
            let kls = revived.map { $0 < m.klDims.count ? fmt(m.klDims[$0]) : "?" }.joined(separator: ", ")
            log(m.step, "\(names(revived)) revived (test KL \(kls) nats)", .ok)
        }
    }

    /// The knobs' values a header gives: the config's, or for another process's loop only the values it said.
    mutating func startValues(_ h: RunHeader) {
        current = Hyperparameter.initialValues(in: h.config)
        unknownKnobs = []
        if let values = h.values {
            // Another process's loop: its own values, never vaetop's defaults.
            current = [:]
            unknownKnobs = Set(Hyperparameter.allCases)
            for (key, value) in values {
                guard let p = Hyperparameter(rawValue: key) else { continue }
                unknownKnobs.remove(p)
                if let value, value.isFinite { current[p] = value }
            }
        }
    }

    /// The knobs' values a step record gives (lr, β, λ, a VAE-GAN's γ and discriminator lr).
    mutating func takeValues(_ m: StepMetrics) {
        if let gm = m.gan { current[.gamma] = gm.gamma; current[.discriminatorLR] = gm.discriminatorLR }
        // The batch size is not taken from steps: an epoch's last batch is smaller than the setting.
        // A value the writer never said stays unknown: a logged default is not the loop's value.
        if !unknownKnobs.contains(.lr) { current[.lr] = m.lr }
        if !unknownKnobs.contains(.beta) && m.beta.isFinite { current[.beta] = m.beta }
        if !unknownKnobs.contains(.freeBits) { current[.freeBits] = m.freeBits }
    }

    mutating func log(_ step: Int, _ text: String, _ color: ThemeRole) {
        // In step order: a line about an earlier step (a divergence at 717 said after a skip at 718) goes before the
        // later ones, after those of its own step.
        // Never before a rewind's line: the branch after it starts at a lower step again.
        var at = log.count
        while at > logBarrier && log[at - 1].step > step { at -= 1 }
        log.insert(LogLine(step: step, text: text, color: color), at: at)
        if log.count > 2000 { let drop = log.count - 1000; log.removeFirst(drop); logBarrier = max(0, logBarrier - drop) }
    }
}

/// Smoothed series that grow with the run.
public struct Smoothed: Sendable {
    /// TensorBoard's default smoothing weight.
    public static let weight = 0.6
    public var loss: [Double] = [], recon: [Double] = [], kl: [Double] = [], grad: [Double] = [], clipped: [Double] = []
    var states = Array(repeating: SeriesMath.EMAState(weight: Smoothed.weight), count: 5)
    /// The five smoothed series.
    static var series: [WritableKeyPath<Smoothed, [Double]>] { [\.loss, \.recon, \.kl, \.grad, \.clipped] }

    mutating func append(loss l: Double, recon r: Double, kl k: Double, grad g: Double, clipped c: Double) {
        loss.append(states[0].next(l)); recon.append(states[1].next(r)); kl.append(states[2].next(k))
        grad.append(states[3].next(g)); clipped.append(states[4].next(c))
    }
}

/// Formats a value compactly for logs and panels.
func fmt(_ v: Double) -> String { v.compact }
func fmt(_ v: Float) -> String { fmt(Double(v)) }

/// Binary searches on ascending step arrays.
enum SeriesIndex {
    /// How many elements are ≤ x.
    static func count(_ xs: [Double], atMost x: Double) -> Int {
        var lo = 0, hi = xs.count
        while lo < hi { let m = (lo + hi) / 2; if xs[m] <= x { lo = m + 1 } else { hi = m } }
        return lo
    }
}
