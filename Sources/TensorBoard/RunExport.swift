import Foundation
import Runs

/// Turns a vaetop run into TensorBoard events, with the tag names `TagMapping.convention` reads back.
///
/// The scalar tags come from the field tables (`StepMetrics.fields`, `GANStepMetrics.fields` under `gan/`,
/// `EvalMetrics.fields`); a list field gives one tag per latent dimension or layer.
public enum RunExport {
    /// One event per step record (all its scalars), per evaluation, and one text event per step for its changes
    /// and one for its alerts (TensorBoard's loader keeps one text value per tag and step, so they are joined by
    /// line breaks).
    public static func events(_ c: RunFileContents) -> [TensorBoardEvent] { events(c, branch: nil) }

    /// A run with rewinds as one TensorBoard run per branch: branch 0 (the run as it started) into the folder
    /// itself, branch k into `branch-k/` (TensorBoard shows each sub-folder as a run of its own colour). Each holds
    /// the records written on that branch: branch k starts after its fork step, where a text says where it came from.
    /// At most `maxBranchRuns` runs are written (documented in docs/tensorboard-and-clients.md): branch 0 and the newest
    /// `maxBranchRuns - 1` branches; `left` counts the branches left out (the CSV keeps them all).
    public static func branchRuns(_ c: RunFileContents) -> (runs: [(folder: String, branch: Int, events: [TensorBoardEvent])], left: Int) {
        guard c.hasBranches else { return ([("", 0, events(c))], 0) }
        let branchOf = RunFileContents.branches(c.timeline)
        let numbers = Set(branchOf).sorted()
        let kept = numbers.count <= maxBranchRuns ? numbers : [numbers[0]] + numbers.suffix(maxBranchRuns - 1)
        return (kept.map { b in (b == 0 ? "" : "branch-\(b)", b, events(c, branch: b, branchOf: branchOf)) }, numbers.count - kept.count)
    }

    /// The most TensorBoard runs (folders) one export writes: a run rewound 20,000 times would otherwise make
    /// 20,000 folders, more than TensorBoard can show or anyone can compare.
    public static let maxBranchRuns = 64

    /// The records of one branch (nil: all of them, as written); `branchOf` is `RunFileContents.branches(c.timeline)`.
    static func events(_ c: RunFileContents, branch only: Int?, branchOf given: [Int]? = nil) -> [TensorBoardEvent] {
        let start = ISO8601DateFormatter().date(from: c.header.created)?.timeIntervalSince1970 ?? 0
        let layers = c.header.layers
        var lastTime = 0.0
        var out: [TensorBoardEvent] = []
        var pendingTexts: (step: Int, changes: [String], alerts: [String])?
        func flushTexts() {
            guard let p = pendingTexts else { return }
            var texts: [(tag: String, text: String)] = []
            if !p.changes.isEmpty { texts.append(("changes", p.changes.joined(separator: "\n"))) }
            if !p.alerts.isEmpty { texts.append(("alerts", p.alerts.joined(separator: "\n"))) }
            out.append(TensorBoardEvent(wallTime: start + lastTime, step: Int64(p.step), texts: texts))
            pendingTexts = nil
        }
        func text(_ step: Int, change: String? = nil, alert: String? = nil) {
            if let p = pendingTexts, p.step != step { flushTexts() }
            var p = pendingTexts ?? (step, [], [])
            if let change { p.changes.append(change) }
            if let alert { p.alerts.append(alert) }
            pendingTexts = p
        }
        let timeline = c.timeline
        let branchOf = only == nil ? [] : given ?? RunFileContents.branches(timeline)
        for (i, e) in timeline.enumerated() {
            if let only, branchOf[i] != only { continue }
            switch e {
            case .step(let m):
                flushTexts()
                lastTime = m.time
                var s = scalars(StepMetrics.fields, m, layers: layers)
                if let g = m.gan { s += scalars(GANStepMetrics.fields, g, layers: [], prefix: "gan/") }
                out.append(TensorBoardEvent(wallTime: start + m.time, step: Int64(m.step), scalars: s))
            case .eval(let m):
                flushTexts()
                out.append(TensorBoardEvent(wallTime: start + lastTime, step: Int64(m.step), scalars: scalars(EvalMetrics.fields, m, layers: layers)))
            case .change(let ch):
                let who = ch.rule.map { "guard \($0)" + (ch.reason.map { "; \($0)" } ?? "") } ?? ch.source
                text(ch.step, change: "\(ch.parameter.rawValue): \(ch.old.map { "\($0)" } ?? "off") → \(ch.new.map { "\($0)" } ?? "schedule") (\(who))")
            case .skip(let s):
                text(s.step, change: "skipped \(s.batches) batches, \(s.images) images (guard \(s.rule); \(s.reason))")
            case .alert(let a):
                text(a.step, alert: "[\(a.level.rawValue)] \(a.message)")
            case .rewind(let r):
                text(r.to, change: "\(r.reason.rawValue): branch \(r.branch) continues from step \(r.to) (left at step \(r.step); \(r.detail))")
            default:
                break
            }
        }
        flushTexts()
        return out
    }

    /// A record's tagged fields as (tag, value) pairs; absent optional fields give none.
    static func scalars<R: TabledRecord>(_ table: [RecordField<R>], _ r: R, layers: [String], prefix: String = "") -> [(tag: String, value: Double)] {
        var s: [(tag: String, value: Double)] = []
        for f in table {
            guard let tag = f.tag else { continue }
            if f.list != nil {
                for (i, v) in (f.elements(r) ?? []).enumerated() { s.append((prefix + f.elementName(tag, i, layers: layers), v)) }
            } else if let v = f.number(r) {
                s.append((prefix + tag, v))
            }
        }
        return s
    }
}
