import Foundation
import Runs
import TestSupport
import Testing
@testable import TensorBoard

/// Fixtures were written by PyTorch's SummaryWriter and TensorBoard's own writer (scripts/make_tb_fixtures.py).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

@Suite struct TFRecordTests {
    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func eventsRoundTrip() {
        let events = [TensorBoardEvent(wallTime: 1.5e9, step: 0, scalars: [("loss", 1.0)]),
                      TensorBoardEvent(wallTime: 1.5e9 + 1, step: 1 << 40, scalars: [("a", 0.5), ("b", -2)], texts: [("changes", "lr: 1 → 2 (x)")])]
        let bytes = events.flatMap { TFRecord.frame($0.encoded()) }
        let (payloads, problems, consumed) = TFRecord.records(bytes)
        #expect(problems.isEmpty && consumed == bytes.count)
        #expect(payloads.compactMap(TensorBoardEvent.decode) == events)
    }

    @Test func truncatedTailIsLeftForLater() {
        let bytes = (0..<3).flatMap { TFRecord.frame(TensorBoardEvent(wallTime: 1, step: Int64($0), scalars: [("x", 1)]).encoded()) }
        let (payloads, problems, consumed) = TFRecord.records(Array(bytes.dropLast(5)))
        #expect(payloads.count == 2 && problems.isEmpty && consumed < bytes.count - 5)
    }
}

@Suite struct FixtureTests {
    func stepRecords(_ c: RunFileContents) -> [StepMetrics] { c.events.compactMap { if case .step(let m) = $0 { m } else { nil } } }

    /// A VAE script's names and add_scalars groups (scripts/make-tb-fixtures.py, PyTorch's SummaryWriter): the loss,
    /// per-dimension KL and gradient-norm panels fill without a mapping file.
    @Test func vaeScriptNamesAndAddScalarsGroups() throws {
        let r = try #require(RunImport.read(fixtures + "/torch-vae-names"))
        let steps = stepRecords(r.contents)
        #expect(steps.count == 10 && r.contents.header.config.latent == 4)
        #expect(steps[2].klDims.count == 4 && abs(Double(steps[2].klDims[0]) - 1.5 * exp(-2.0 / 3)) < 1e-5)
        #expect(steps[2].recon == 88 && steps[2].gradNorm == 28)
        // losses_kl/ and losses_recon/ (tag "losses") read as losses/kl and losses/recon, not as other runs.
        #expect(EventFile.subfolder(fixtures + "/torch-vae-names/losses_kl") == .group(tag: "losses", key: "kl"))
        #expect(r.ignoredTags == ["some/unmapped_tag"])
        let evals = r.contents.events.compactMap { if case .eval(let e) = $0 { e } else { nil } }
        #expect(evals.map(\.step) == [4, 9] && evals[0].loss == 116)
        let csv = RunCSV.table(r.contents).split(separator: "\n")[0]
        #expect(csv.contains("kl_dim_00,kl_dim_01,kl_dim_02,kl_dim_03") && csv.contains("grad_norm"))
    }

    /// What a VAE script logs beside its scalars: the hparams (add_hparams' time-named sub-folder, read as part of the
    /// run, not as a second run) fill the header; the grey image grid is the images panel's picture, pixel for
    /// pixel; the text note is an event-log line; the histogram and the colour image are listed as not shown.
    @Test func histogramsImagesTextAndHparams() throws {
        let dir = fixtures + "/torch-rich"
        let hp = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { !$0.hasPrefix("events") })
        #expect(EventFile.subfolder(dir + "/" + hp) == .hparams)
        let r = try #require(RunImport.read(dir))
        #expect(r.contents.header.hparams == ["lr": "0.001", "batch_size": "128", "beta": "4", "latent_dim": "3", "optimizer": "adam",
                                              "warmup": "1", "hparam/val_loss": "101.5"])
        #expect(r.unread == ["encoder/weight (histogram)", "colour_check (colour image)"] && r.ignoredTags.isEmpty)
        #expect(stepRecords(r.contents).count == 6 && r.contents.header.logs("images"))
        #expect(r.contents.events.contains { if case .alert(let a) = $0 { a.step == 0 && a.message == "notes: baseline: **beta 4**, warm-up over 10 epochs" } else { false } })
        let records = r.contents.events.compactMap { if case .images(let i) = $0 { i } else { nil } }
        #expect(records.map(\.step) == [2, 5])
        // make_grid's layout of 16 rings (4 per row, 28×28 tiles, 2-pixel padding), as the script draws them.
        for record in records {
            let picture = try #require(record.logged?.first)
            #expect(picture.tag == "reconstructions" && picture.rows == 122 && picture.cols == 122)
            var wrong = 0
            for i in 0..<16 {
                let y0 = 2 + (i / 4) * 30, x0 = 2 + (i % 4) * 30, radius = 4 + Double(i % 8) + Double(record.step) / 3
                for y in 0..<28 { for x in 0..<28 {
                    let d = ((Double(y) - 13.5) * (Double(y) - 13.5) + (Double(x) - 13.5) * (Double(x) - 13.5)).squareRoot()
                    if picture.pixels[(y0 + y) * 122 + x0 + x] != (abs(d - radius) < 1.5 ? 255 : 0) { wrong += 1 }
                } }
            }
            #expect(wrong == 0)
            #expect(picture.pixels[0] == 0 && picture.pixels[121] == 0)   // the padding
        }
    }

    /// The five PNG row filters (PNG spec §9.2) undone: rows filtered here by the spec's forward formulas decode back.
    @Test func pngRowFilters() throws {
        let (rows, stride, bpp) = (5, 6, 2)
        let raw: [UInt8] = (0..<(rows * stride)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ ($0 / stride) &* 11) }
        var filtered: [UInt8] = []
        for y in 0..<rows {
            filtered.append(UInt8(y))
            for x in 0..<stride {
                let a = x >= bpp ? Int(raw[y * stride + x - bpp]) : 0, b = y > 0 ? Int(raw[(y - 1) * stride + x]) : 0
                let c = x >= bpp && y > 0 ? Int(raw[(y - 1) * stride + x - bpp]) : 0
                let p = a + b - c, (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                let predictor = [0, a, b, (a + b) / 2, pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)][y]
                filtered.append(UInt8(truncatingIfNeeded: Int(raw[y * stride + x]) - predictor))
            }
        }
        #expect(try PNGImage.unfiltered(filtered, rows: rows, stride: stride, bytesPerPixel: bpp) == raw)
        #expect(throws: PNGImage.DecodeError.notPNG) { try PNGImage([1, 2, 3, 4, 5, 6, 7, 8, 9], maxSide: 1024) }
    }

    /// PyTorch Lightning's names: train_loss_step, val_loss, lr-Adam, grad_2.0_norm_total and per-parameter norms.
    @Test func lightningNames() throws {
        let r = try #require(RunImport.read(fixtures + "/lightning-names"))
        let steps = stepRecords(r.contents)
        #expect(steps.count == 10 && steps[1].loss == 98 && abs(steps[1].lr - 1e-3) < 1e-9 && steps[1].gradNorm == 19)
        #expect(r.contents.header.layers.sorted() == ["decoder", "encoder"] && r.ignoredTags.isEmpty)
        #expect(r.contents.events.contains { if case .eval(let e) = $0 { e.step == 4 && e.loss == 106 } else { false } })
    }

    @Test(arguments: ["torch-simple", "torch-tensor"])
    func pytorchSummaryWriterBothScalarForms(_ name: String) throws {
        let r = try #require(RunImport.read(fixtures + "/" + name))
        #expect(r.problems.isEmpty)
        let steps = stepRecords(r.contents)
        #expect(steps.map(\.step) == Array(0..<10))
        #expect(r.contents.header.config.latent == 4)
        let s3 = steps[3]
        #expect(abs(Double(s3.loss) - (500 * exp(-3.0 / 5) + 100)) < 1e-3)
        #expect(abs(s3.lr - 1e-3 * 1) < 1e-9 && abs(s3.beta - 0.6) < 1e-6)
        #expect(s3.klDims.count == 4 && abs(s3.klDims[2] - 1.3) < 1e-6)
        #expect(abs(s3.gradNorm - 13) < 1e-6)
        if name == "torch-simple" {
            #expect(r.ignoredTags == ["some/unmapped_tag"])
            #expect(r.contents.events.contains { if case .change(let c) = $0 { c.parameter == .lr && c.new == 0.002 && c.step == 5 && c.source == "client" } else { false } })
            #expect(r.contents.events.contains { if case .eval(let e) = $0 { e.step == 9 && e.loss == 150 } else { false } })
        }
    }

    @Test func tensorboardWriterWithMappingFile() throws {
        let dir = fixtures + "/tensorboard-writer"
        let unmapped = try #require(RunImport.read(dir))
        // What the log holds is named in the header, so the screen can say "not logged" for the rest.
        let logged = Set(unmapped.contents.header.logged ?? [])
        #expect(logged.contains("loss") && !logged.contains("beta") && !logged.contains("epoch") && !logged.contains("batchSize"))
        // The convention reads train/elbo as the loss; the other two tags need the mapping file.
        #expect(unmapped.ignoredTags == ["opt/learning_rate", "z/kl_00"])
        let mapping = try TagMapping.parse(try String(contentsOfFile: dir + "/mapping.txt", encoding: .utf8))
        let r = try #require(RunImport.read(dir, mapping: mapping))
        let steps = stepRecords(r.contents)
        #expect(steps.count == 10)
        #expect(abs(Double(steps[0].loss) - 600) < 1e-3 && abs(steps[0].lr - 1e-3) < 1e-9 && steps[0].klDims == [0])
        #expect(throws: TagMapping.ParseError.self) { try TagMapping.parse("loss\n") }
        #expect(throws: TagMapping.ParseError.self) { try TagMapping.parse("a = kl_dim x\n") }
    }

    /// The names people log, read without a mapping file, whatever their case.
    @Test func conventionCoversCommonNames() {
        let m = TagMapping()
        let expected: [(String, TagMapping.Field?)] = [
            ("KL_dim/7", .klDim(7)), ("kl_per_dim/3", .klDim(3)), ("kl/dim_12", .klDim(12)), ("KLD/2", .klDim(2)),
            ("GradNorm", .gradNorm), ("grad_2.0_norm_total", .gradNorm), ("grad_2.0_norm/encoder.0.weight", .gradNormLayer("encoder.0")),
            ("train_loss", .loss), ("Train/ELBO", .loss), ("val_loss", .testLoss), ("kld", .kl), ("KL_Loss", .kl),
            ("recon_loss", .recon), ("lr-Adam", .lr), ("Learning_Rate", .lr), ("kl_beta", .beta), ("some/other", nil),
        ]
        for (tag, field) in expected { #expect(m.field(for: tag) == field, "\(tag)") }
    }

    /// A mapping file's patterns: `{i}` captures a number the field can use, `*` matches anything, any case.
    @Test func mappingPatterns() throws {
        let m = try TagMapping.parse("""
        Z/kl_{i} = kl_dim {i}
        */elbo_total = loss
        my/lr = lr
        """)
        #expect(m.field(for: "z/KL_05") == .klDim(5))
        #expect(m.field(for: "run3/elbo_total") == .loss)
        #expect(m.field(for: "MY/LR") == .lr)
        #expect(m.field(for: "z/kl_x") == nil)
        #expect(throws: TagMapping.ParseError.self) { try TagMapping.parse("a/{i} = kl_dim {j}\n") }
    }

    @Test func damagedFileReportsOffsetAndReadsTheRest() throws {
        let r = try #require(RunImport.read(fixtures + "/damaged"))
        #expect(r.problems.count == 1)
        #expect(r.problems[0].problem.offset == 180 && r.problems[0].problem.message.contains("bad data checksum"))
        #expect(r.contents.skipped.first?.reason.contains("offset 180") == true)
        // Everything but the damaged record and the cut tail survives.
        let steps = stepRecords(r.contents)
        #expect(steps.count >= 9 && steps.last!.step == 9)
    }
}

@Suite struct ExportTests {
    func run() -> RunFileContents {
        var c = RunConfig(); c.latent = 3
        let h = RunHeader(name: "x", created: "2026-11-27T00:00:00Z", config: c, layers: ["enc1", "out"], parameters: 1,
                          trainImages: 1, testImages: 1, stepsPerEpoch: 5)
        var events: [RunEvent] = []
        for s in 1...5 {
            events.append(.step(StepMetrics(step: s, epoch: 1, loss: Float(100 - s), recon: 90, kl: Float(10 - s), klDims: [1, 2, Float(s)],
                                            beta: 0.5, lr: 1e-3 * Double(s), gradNorm: 3, gradNormClipped: 2, clipCoef: 0.6,
                                            layerGradNorms: [1, 2], batchSize: 128, samplesPerSecond: 1000, time: Double(s))))
        }
        events.append(.change(ParameterChange(step: 3, parameter: .beta, old: 0.5, new: 0.25, source: "keyboard")))
        events.append(.eval(EvalMetrics(step: 5, epoch: 1, loss: 120, recon: 100, kl: 20, klDims: [1, 2, 3], meanVariance: [1, 1, 1],
                                        activeUnits: 3, collapsed: [], images: 10)))
        return RunFileContents(header: h, events: events, skipped: [], tornTail: false)
    }

    @Test func exportReadsBackThroughTheConvention() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let path = try EventFile.write(RunExport.events(run()), to: dir.path, wallTime: 1.8e9).path
        #expect(EventFile.isEventFile(path))
        let r = try #require(RunImport.read(dir.path))
        #expect(r.problems.isEmpty && r.ignoredTags.isEmpty)
        let steps = r.contents.events.compactMap { if case .step(let m) = $0 { m } else { nil } }
        #expect(steps.map(\.step) == [1, 2, 3, 4, 5])
        #expect(steps[2].klDims == [1, 2, 3] && abs(steps[4].lr - 5e-3) < 1e-9 && steps[0].loss == 99)
        #expect(r.contents.header.layers == ["enc1", "out"] && steps[0].layerGradNorms == [1, 2])
        #expect(r.contents.events.contains { if case .change(let c) = $0 { c.parameter == .beta && c.old == 0.5 && c.new == 0.25 } else { false } })
        #expect(r.contents.events.contains { if case .eval(let e) = $0 { e.step == 5 && e.loss == 120 } else { false } })
    }

    @Test func csvHasOneRowPerStepAndOneColumnPerSeries() {
        let lines = RunCSV.table(run()).split(separator: "\n")
        #expect(lines.count == 6)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header.contains("kl_dim_02") && header.contains("grad_norm_out") && header.suffix(2) == ["change", "alert"])
        #expect(!header.contains("capacity") && !header.contains("momentum"))   // optional fields no record holds
        func cell(_ row: Int, _ name: String) -> String { String(lines[row].split(separator: ",", omittingEmptySubsequences: false)[header.firstIndex(of: name)!]) }
        #expect(cell(3, "change") == "beta 0.5->0.25")
        #expect(cell(5, "test_loss") == "120.0" && cell(5, "test_active_units") == "3" && cell(5, "test_kl_dim_02") == "3.0")
        #expect(cell(4, "test_loss") == "" && cell(2, "lr") == "0.002" && cell(1, "batch_size") == "128")
    }

    /// A guard's repairs reach both exports: its change names the rule and the reason, its skip the batches it left
    /// out, its alert what it did (docs/guards.md).
    @Test func guardFiringsAreInTheCSVAndTensorBoardExports() throws {
        var c = run()
        c.events.append(.change(ParameterChange(step: 4, parameter: .lr, old: 0.004, new: 0.002, source: "guard",
                                                rule: "diverge: rewind,lr*0.5,max=3", reason: "10 non-finite steps in a row")))
        c.events.append(.skip(BatchSkip(step: 4, epoch: 1, batches: 20, images: 2560, rule: "spike: rewind,skip=20,max=3", reason: "train loss 912 > 5 × median 101")))
        c.events.append(.alert(Alert(step: 4, level: .warning, message: "guard diverge: rewound 5 → 4, lr 0.004 → 0.002 (1 of 3)",
                                     guardTrigger: "diverge", guardFiring: 1)))
        let lines = RunCSV.table(c).split(separator: "\n")
        let row4 = String(lines[4])
        #expect(row4.contains("lr 0.004->0.002 (guard diverge: rewind,lr*0.5,max=3; 10 non-finite steps in a row)"), "\(row4)")
        #expect(row4.contains("skip 20 batches (guard spike: rewind,skip=20,max=3; train loss 912 > 5 × median 101)"), "\(row4)")
        #expect(row4.contains("guard diverge: rewound 5 → 4"), "\(row4)")
        let texts = RunExport.events(c).flatMap(\.texts).map(\.text)
        #expect(texts.contains { $0.contains("lr: 0.004 → 0.002 (guard diverge: rewind,lr*0.5,max=3; 10 non-finite steps in a row)") }, "\(texts)")
        #expect(texts.contains { $0.contains("skipped 20 batches, 2560 images (guard spike: rewind,skip=20,max=3") }, "\(texts)")
    }

    /// Quoting as RFC 4180 asks (a layer name with a comma no longer shifts the columns); non-finite values as
    /// pandas reads them; the capacity column of a capacity-annealing run.
    @Test func csvQuotesNamesAndWritesNonFiniteValues() {
        var c = run()
        c.header.layers = ["enc,1", "out \"x\""]
        c.events = c.events.map { e in
            guard case .step(var m) = e else { return e }
            m.capacity = Double(m.step)
            if m.step == 2 { m.loss = .nan; m.gradNorm = .infinity; m.recon = -.infinity }
            return .step(m)
        }
        let lines = RunCSV.table(c).split(separator: "\n")
        #expect(lines[0].contains(",\"grad_norm_enc,1\",\"grad_norm_out \"\"x\"\"\","))
        #expect(lines[0].contains(",capacity,"))
        let header = lines[0].replacingOccurrences(of: "\"grad_norm_enc,1\"", with: "g").split(separator: ",").map(String.init)
        let row2 = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(row2[header.firstIndex(of: "loss")!] == "nan" && row2[header.firstIndex(of: "grad_norm")!] == "inf"
                && row2[header.firstIndex(of: "recon")!] == "-inf" && row2[header.firstIndex(of: "capacity")!] == "2.0")
    }

    /// Every field of every record kind `RunExport` writes reads back through `RunImport` (float32, as TensorBoard
    /// stores scalars): capacity, the objective KL, momentum, VAE-GAN's fields, evaluations, several changes at one
    /// step and alerts. Nothing is ignored.
    @Test func everyExportedFieldRoundTrips() throws {
        var c = run()
        c.header.layers = ["encoder", "decoder", "discriminator"]
        c.events = c.events.map { e in
            guard case .step(var m) = e else { return e }
            m.capacity = 0.5 * Double(m.step); m.klObjective = 7.5; m.klObjectiveDims = [1, 2, 3]; m.momentum = 0.9
            m.freeBits = 0.25; m.layerGradNorms = [1, 2, 3]
            m.gan = GANStepMetrics(encoderLoss: 1, decoderLoss: 2, discriminatorLoss: 3, featureRecon: 4, dReal: 0.5, dFake: 0.25, dPrior: 0.125,
                                   gradNormEncoder: 5, gradNormDecoder: 6, gradNormDiscriminator: 7, discriminatorUpdated: true,
                                   decoderUpdated: false, gamma: 0.75, discriminatorLR: 1e-4)
            return .step(m)
        }
        c.events.append(.change(ParameterChange(step: 3, parameter: .lr, old: 1e-3, new: 2e-3, source: "keyboard")))
        c.events.append(.change(ParameterChange(step: 3, parameter: .freeBits, old: 0, new: 0.5, source: "client")))
        c.events.append(.alert(Alert(step: 4, level: .warning, message: "latent dimension 2 collapsed")))
        c.events.append(.alert(Alert(step: 4, level: .info, message: "a note")))
        let dir = TempDirectory(); defer { dir.remove() }
        _ = try EventFile.write(RunExport.events(c), to: dir.path, wallTime: 1.8e9)
        let r = try #require(RunImport.read(dir.path))
        #expect(r.problems.isEmpty && r.ignoredTags.isEmpty)
        func float32<R: TabledRecord & Equatable>(_ x: R) -> R {
            var y = x
            for f in R.fields { if let v = f.number(x), case .double = f.value { f.set(Double(Float(v)), in: &y) } }
            for f in R.fields { if let v = f.number(x), case .optionalDouble = f.value { f.set(Double(Float(v)), in: &y) } }
            return y
        }
        let wantInFileOrder = c.timeline.compactMap { e -> RunEvent? in
            switch e {
            case .step(var m): m.gan = m.gan.map(float32); return .step(float32(m))
            case .eval(let m): return .eval(float32(m))
            case .change, .alert: return e
            default: return nil
            }
        }
        // Import puts a step's record, then its evaluation, then its texts.
        func rank(_ e: RunEvent) -> Int { if case .step = e { 0 } else if case .eval = e { 1 } else { 2 } }
        let want = wantInFileOrder.enumerated().sorted { ($0.element.step, rank($0.element), $0.offset) < ($1.element.step, rank($1.element), $1.offset) }.map(\.element)
        let got = r.contents.events
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) {
            if case .change(let a) = g, case .change(let b) = w { #expect(a == b); continue }   // values as text, exact
            #expect(g == w, "\(g)")
        }
    }

    /// A length of 2^60 with a sound length checksum is damage, not a record to wait for: reported, skipped.
    @Test func absurdLengthWithValidChecksumResyncs() {
        var bytes = TFRecord.frame(Array("first".utf8))
        let length = withUnsafeBytes(of: UInt64(1 << 60).littleEndian) { Array($0) }
        bytes += length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { bytes += $0 }
        bytes += TFRecord.frame(Array("second".utf8))
        let (payloads, problems, consumed) = TFRecord.records(bytes)
        #expect(payloads.map { String(decoding: $0, as: UTF8.self) } == ["first", "second"])
        #expect(problems.count == 1 && problems[0].message.contains("exceeds") && problems[0].offset == 21)
        #expect(consumed == bytes.count)
    }
}

/// Mutated event files: every read ends, every record it yields passes the reader's checks.
@Suite struct EventFileFuzzTests {
    @Test func mutationsNeverCrashAndYieldOnlyUsableRecords() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var events: [TensorBoardEvent] = []
        for s in 1...20 {
            events.append(TensorBoardEvent(wallTime: 1.8e9 + Double(s), step: Int64(s),
                                           scalars: [("loss", 100 - Double(s)), ("kl/dim_03", 0.5), ("lr", 1e-3), ("grad_norm/enc", 2)]))
        }
        // Hostile steps, dimensions and layers.
        events.append(TensorBoardEvent(wallTime: -5, step: Int64.max, scalars: [("loss", 1)]))
        events.append(TensorBoardEvent(wallTime: .nan, step: -7, scalars: [("kl/dim_99999999", 1), ("kl/dim_-3", 1), ("loss", 2)]))
        let file = try EventFile.write(events, to: dir.file("tb"), wallTime: 1.8e9).path
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var state: UInt64 = 77
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for i in 0..<300 {
            var b = good
            for _ in 0..<(1 + next() % 5) { b[Int(next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: next()) }
            if i % 7 == 0 { b = Array(b.prefix(Int(next() % UInt64(b.count)))) }
            try Data(b).write(to: URL(fileURLWithPath: file))
            guard let r = RunImport.read(dir.file("tb")) else { continue }
            for e in r.contents.events { #expect(e.problem() == nil, "\(e)") }
        }
        try Data(good).write(to: URL(fileURLWithPath: file))
        let r = try #require(RunImport.read(dir.file("tb")))
        #expect(r.contents.events.allSatisfy { $0.problem() == nil })
        #expect(r.contents.skipped.contains { $0.reason.contains("outside") })
        #expect(r.ignoredTags.contains("kl/dim_99999999") && r.ignoredTags.contains("kl/dim_-3"))
    }
}
