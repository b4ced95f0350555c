import Foundation

/// One CSV row per step record, one column per series (for pandas and spreadsheets), RFC 4180 quoted (lines end in LF, as pandas and Unix tools expect).
///
/// The columns come from the field tables (`StepMetrics.fields`, then `EvalMetrics.fields` in the row of their
/// step): a list field gives one column per latent dimension or layer, an optional field a column only when some
/// record holds it, VAE-GAN's fields `gan_…` columns in VAE-GAN runs. Non-finite values are written `nan`, `inf`,
/// `-inf` (pandas reads them back as floats); an empty cell means "not logged". Changes and alerts of a step are
/// joined with "; " in the `change` and `alert` columns.
///
/// A run with rewinds gets a first column `branch`: the branch a row was written on (0 until the first rewind).
/// Branch k continues from its fork step, sharing the rows of earlier branches up to it; its rewind appears in
/// the `change` column of its fork step ("rewind to 1800 (branch 2: …)").
public enum RunCSV {
    /// A (branch, step) pair: rows, evaluations, changes and alerts of different branches never mix.
    struct Key: Hashable { let branch: Int, step: Int }

    /// The whole table, header row first.
    public static func table(_ c: RunFileContents) -> String {
        let events = c.timeline
        let branchOf = RunFileContents.branches(events)
        let branched = c.hasBranches
        var steps: [StepMetrics] = [], stepBranch: [Int] = []
        var evals: [Key: EvalMetrics] = [:], changes: [Key: [String]] = [:], alerts: [Key: [String]] = [:]
        for (e, b) in zip(events, branchOf) {
            switch e {
            case .step(let m): steps.append(m); stepBranch.append(b)
            case .eval(let m): evals[Key(branch: b, step: m.step)] = m
            case .change(let ch):
                // A guard's change says which rule made it and why.
                let why = ch.rule.map { " (guard \($0)" + (ch.reason.map { "; \($0)" } ?? "") + ")" } ?? ""
                changes[Key(branch: b, step: ch.step), default: []].append("\(ch.parameter.rawValue) \(ch.old.map { "\($0)" } ?? "off")->\(ch.new.map { "\($0)" } ?? "schedule")" + why)
            case .skip(let s):
                changes[Key(branch: b, step: s.step), default: []].append("skip \(s.batches) batches (guard \(s.rule); \(s.reason))")
            case .alert(let a): alerts[Key(branch: b, step: a.step), default: []].append("[\(a.level.rawValue)] \(a.message)")
            case .rewind(let r):
                changes[Key(branch: r.branch, step: r.to), default: []].append("\(r.reason.rawValue) to \(r.to) (branch \(r.branch): \(r.detail))")
            default: break
            }
        }
        let latent = steps.first?.klDims.count ?? c.header.config.latent
        var stepColumns = Columns(StepMetrics.fields, records: steps, latent: latent, layers: c.header.layers)
        // Another program's log: what it did not log is left empty (the step and epoch columns always hold a value).
        if c.header.logged != nil {
            // An epoch the log never had is left empty too, not made up.
            stepColumns.notLogged = Set(StepMetrics.fields.map(\.key).filter { !c.header.logs($0) && $0 != "step" && $0 != "kl" && $0 != "loss" })
        }
        let gan = steps.compactMap(\.gan)
        let ganColumns = gan.isEmpty ? nil : Columns(GANStepMetrics.fields, records: gan, latent: latent, layers: [], prefix: "gan_")
        let evalColumns = Columns(EvalMetrics.fields, records: Array(evals.values), latent: latent, layers: [], always: true)
        if branched {
            // A branch's notes at its fork step (the rewind, the values it restated) have no row of that branch
            // there: they go to the branch's first row.
            let rows = Set(zip(steps, stepBranch).map { Key(branch: $1, step: $0.step) })
            // Each branch's rows in file order, so a note finds its branch's first later row without a scan of all
            // rows (a run with 20,000 rewinds made that quadratic).
            var rowsOf: [Int: [Int]] = [:]
            for i in steps.indices { rowsOf[stepBranch[i], default: []].append(i) }
            func move(_ notes: inout [Key: [String]]) {
                for (k, v) in notes where !rows.contains(k) {
                    guard let i = rowsOf[k.branch]?.first(where: { steps[$0].step > k.step }) else { continue }
                    let target = Key(branch: k.branch, step: steps[i].step)
                    notes[target] = v + (notes[target] ?? [])
                    notes[k] = nil
                }
            }
            move(&changes); move(&alerts)
        }
        var out = row((branched ? ["branch"] : []) + stepColumns.names + (ganColumns?.names ?? []) + evalColumns.names + ["change", "alert"])
        for (m, b) in zip(steps, stepBranch) {
            let key = Key(branch: b, step: m.step)
            var cells = (branched ? ["\(b)"] : []) + stepColumns.cells(m)
            if let ganColumns { cells += m.gan.map(ganColumns.cells) ?? Array(repeating: "", count: ganColumns.names.count) }
            cells += evals[key].map(evalColumns.cells) ?? Array(repeating: "", count: evalColumns.names.count)
            cells.append(changes[key]?.joined(separator: "; ") ?? "")
            cells.append(alerts[key]?.joined(separator: "; ") ?? "")
            out += row(cells)
        }
        return out
    }

    /// One CSV line: fields holding a comma, a quote or a line break are quoted, quotes doubled (RFC 4180); control
    /// characters are escaped first (`escaped`), so neither `cat` nor a terminal ever receives one from a cell.
    static func row(_ cells: [String]) -> String {
        cells.map { raw in
            let cell = escaped(raw)
            guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\n"
    }

    /// A cell with its control characters written as `\u00XX` (C0 but tab and line feed, DEL, C1) or `\u202E`
    /// (bidirectional overrides and isolates), and a backslash as `\\`, so the text is kept and can be read back
    /// exactly: documented in `docs/run-format.md` ("CSV export").
    static func escaped(_ cell: String) -> String {
        guard cell.unicodeScalars.contains(where: { $0 == "\\" || needsEscape($0) }) else { return cell }
        var out = ""
        for u in cell.unicodeScalars {
            if u == "\\" { out += "\\\\" }
            else if needsEscape(u) { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16, uppercase: true) }
            else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Whether a character must not reach a file or terminal as it is.
    static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        if u.value >= 0x20 && u.value < 0x7F || u == "\n" || u == "\t" { return false }
        return u.value < 0x20 || (0x7F...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
    }

    /// The columns one field table gives for a set of records.
    struct Columns<Record: TabledRecord> {
        let fields: [(field: RecordField<Record>, width: Int)]
        let names: [String]
        /// Fields the writer did not log (`RunHeader.logged`): their cells stay empty, "not logged", never a default.
        var notLogged = Set<String>()

        /// `always`: optional fields get columns even when no record holds them.
        init(_ table: [RecordField<Record>], records: [Record], latent: Int, layers: [String], prefix: String = "", always: Bool = false) {
            var fields: [(RecordField<Record>, Int)] = [], names: [String] = []
            for f in table {
                guard let csv = f.csv else { continue }
                if case .gan = f.value { continue }   // its own table's columns
                if f.isOptional && !always && !records.contains(where: { f.number($0) != nil || f.elements($0) != nil }) { continue }
                if let list = f.list {
                    let width = list == .layer ? layers.count : latent
                    fields.append((f, width))
                    names += (0..<width).map { prefix + f.elementName(csv, $0, layers: layers) }
                } else {
                    fields.append((f, 1))
                    names.append(prefix + csv)
                }
            }
            self.fields = fields
            self.names = names
        }

        /// The cells of one record.
        func cells(_ r: Record) -> [String] {
            var out: [String] = []
            for (f, width) in fields {
                if notLogged.contains(f.key) { out += Array(repeating: "", count: width); continue }
                if f.list != nil {
                    let xs = f.elements(r) ?? []
                    out += (0..<width).map { $0 < xs.count ? text(xs[$0], f) : "" }
                } else {
                    out.append(f.number(r).map { text($0, f) } ?? "")
                }
            }
            return out
        }

        /// A value as pandas reads it back exactly: integers plain, floats at their own precision.
        func text(_ v: Double, _ f: RecordField<Record>) -> String {
            guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
            switch f.value {
            case .int, .bool, .ints: return "\(Int(v))"
            case .float, .optionalFloat, .floats, .optionalFloats: return "\(Float(v))"
            default: return "\(v)"
            }
        }
    }
}
