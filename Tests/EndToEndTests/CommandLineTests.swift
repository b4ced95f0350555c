import Foundation
import Runs
import TestSupport
import Testing

/// The real executable: flag validation, headless training end to end, schedule preview.
@Suite(.serialized) struct CommandLineTests {
    @Test(arguments: [
        (["--latent", "0"], "--latent"), (["--batch-size", "-3"], "--batch-size"), (["--epochs", "0"], "--epochs"),
        (["--lr", "0"], "--lr"), (["--encoder", "400,0"], "--encoder"), (["--beta1", "1.5"], "--beta1"),
        (["--free-bits", "-1"], "--free-bits"), (["--clip-norm", "-2"], "--clip-norm"), (["--threads", "0"], "--threads"),
        (["--nesterov"], "--nesterov"), (["--out", "/proc/vaetop-cannot-write-here/run"], "--out"),
    ])
    func badFlagIsOneLineExit64NothingWritten(args: [String], flag: String) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless"] + args, in: dir.path)
        #expect(r.status == 64)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("vaetop: error: \(flag)"))
        #expect(r.stderr.contains("must") || r.stderr.contains("cannot") || r.stderr.contains("needs"))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).isEmpty, "nothing written")
    }

    /// `vaetop bench` of a configuration that diverges (SGD at the default lr) says so and exits 3, as `train` does,
    /// instead of reporting 0 samples/s; a run's header records the OpenBLAS kernel its products ran on.
    @Test func benchOfADivergingRunSaysSoAndTheHeaderNamesTheKernel() throws {
        let r = try Binary.run(["bench", "--optimizer", "sgd", "--seconds", "1", "--warmup", "5"])
        #expect(r.status == 3 && r.stderr.contains("the run diverged at step 3") && r.stdout.isEmpty, "\(r.stdout)\(r.stderr)")
        let dir = TempDirectory(); defer { dir.remove() }
        #expect(try Binary.run(["train", "--headless", "--epochs", "1", "--encoder", "32", "--latent", "4", "--out", dir.file("run")]).status == 0)
        let kernel = try RunFileReader.read(dir.file("run")).header.blasKernel
        #expect(kernel.map { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } } == true, "\(kernel ?? "nil")")
    }

    /// `lr-find --like fastai` runs fastai's lr_find (its grid never reaches --end-lr: the last lr is 10^0.99·1e-7·…).
    @Test func lrFindLikeFastai() throws {
        let r = try Binary.run(["lr-find", "--headless", "--like", "fastai", "--encoder", "32", "--latent", "4"])
        #expect(r.status == 0 && r.stdout.contains("lr range test (fastai's lr_find)") && r.stdout.contains("suggestions: steepest"), "\(r.stdout)\(r.stderr)")
        let bad = try Binary.run(["lr-find", "--headless", "--like", "fastai", "--ramp", "linear"])
        #expect(bad.status == 64 && bad.stderr.contains("ramps exponentially"), "\(bad.stderr)")
    }

    /// `vaetop eval RUN --iwae-k K` adds the IWAE bound of the run's checkpoint to its run file (one more eval record
    /// at the checkpoint's step); a run's own end already holds the k = 100 bound.
    @Test func evalAddsTheIWAEBound() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = dir.file("run")
        #expect(try Binary.run(["train", "--headless", "--epochs", "1", "--encoder", "32", "--latent", "4", "--iwae-images", "50", "--out", run]).status == 0)
        let before = try RunFileReader.read(run).events.compactMap { if case .eval(let e) = $0 { e } else { nil } }
        #expect(before.last?.iwaeK == 100 && before.last?.iwaeImages == 50 && before.last?.iwae?.isFinite == true)
        let r = try Binary.run(["eval", run, "--iwae-k", "300", "--images", "40"])
        #expect(r.status == 0 && r.stdout.contains("IWAE bound, k = 300 over the first 40 test images (checkpoint of step 36)"), "\(r.stdout)\(r.stderr)")
        let after = try RunFileReader.read(run).events.compactMap { if case .eval(let e) = $0 { e } else { nil } }
        #expect(after.count == before.count + 1 && after.last?.step == 36 && after.last?.iwaeK == 300 && after.last?.iwaeImages == 40)
        #expect(try Binary.run(["eval", run, "--iwae-k", "0"]).status == 64)
    }

    /// A TensorBoard log's tags no panel shows are listed; a missing mapping file is one line, exit 64.
    @Test func tensorBoardReplayListsIgnoredTagsAndNamesAMissingMapping() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TensorBoardTests/Fixtures/torch-simple").path
        let r = try Binary.run(["replay", fixture])
        #expect(r.status == 0 && r.stdout.contains("1 tag not shown (no panel maps them): some/unmapped_tag"), "\(r.stdout)\(r.stderr)")
        let bad = try Binary.run(["replay", fixture, "--mapping", "/nonexistent/map.txt"])
        #expect(bad.status == 64 && bad.stderr == "vaetop: error: --mapping: /nonexistent/map.txt: no such file\n", "\(bad.stderr)")
    }

    /// Export reads what replay reads (a TensorBoard folder → CSV); exporting twice replaces; another program's
    /// event files are not mixed with an export.
    @Test func exportReadsTensorBoardAndReplacesItsOwnExport() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TensorBoardTests/Fixtures/torch-simple").path
        let csv = try Binary.run(["export", fixture, "--csv", "-"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("step,epoch,loss,recon,kl,kl_dim_00,kl_dim_01,kl_dim_02,kl_dim_03,"), "\(csv.stderr)")
        let dir = TempDirectory(); defer { dir.remove() }
        let out = dir.file("tb")
        #expect(try Binary.run(["export", "free-bits", "--tensorboard", out]).status == 0)
        let second = try Binary.run(["export", "free-bits", "--tensorboard", out])
        #expect(second.status == 0 && second.stdout.contains("replaced the earlier export"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix("events.out.tfevents") }.count == 1)
        let foreign = try FileManager.default.contentsOfDirectory(atPath: fixture).first { $0.hasPrefix("events.out") }!
        try FileManager.default.copyItem(atPath: fixture + "/" + foreign, toPath: out + "/" + foreign)
        let refused = try Binary.run(["export", "free-bits", "--tensorboard", out])
        #expect(refused.status == 64 && refused.stderr.contains("vaetop did not write"))
    }

    /// A sweep folder of three TensorBoard runs (one with add_hparams' time-named sub-folder, which is part of its run)
    /// opens as a comparison of three; export asks for one of them.
    @Test func sweepFolderOfThreeRunsOpens() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TensorBoardTests/Fixtures").path
        let dir = TempDirectory(); defer { dir.remove() }
        for run in ["torch-simple", "lightning-names", "torch-rich"] { try FileManager.default.copyItem(atPath: fixtures + "/" + run, toPath: dir.file(run)) }
        let r = try Binary.run(["replay", dir.path])
        let header = r.stdout.split(separator: "\n").first.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(r.status == 0 && header == ["run", "lightning-names", "torch-rich", "torch-simple"], "\(r.stdout)\(r.stderr)")
        // None of them logged active units: "–", not a made-up 0/0.
        let units = r.stdout.split(separator: "\n").first { $0.hasPrefix("active units") }?.split(separator: " ").dropFirst(2)
        #expect(units.map(Array.init) == ["–", "–", "–"], "\(r.stdout)")
        let export = try Binary.run(["export", dir.path, "--csv", "-"])
        #expect(export.status == 64 && export.stderr.contains("holds 3 runs (a sweep): export one of them (lightning-names, torch-rich, torch-simple)"), "\(export.stderr)")
    }

    /// `vaetop schema` is JSON naming every setting with its flag and bounds; `--python` is the client's module.
    @Test func schemaCommand() throws {
        let r = try Binary.run(["schema"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let settings = try #require(object["settings"] as? [[String: Any]])
        #expect(settings.count == RunConfig.settings.count)
        let lr = try #require(settings.first { $0["name"] as? String == "optimizer.lr" })
        #expect(lr["flag"] as? String == "--lr" && lr["min"] as? Double == 0 && lr["max"] as? Double == 10 && lr["minOpen"] as? Bool == true)
        #expect(lr["live"] as? String == "lr" && lr["default"] as? Double == 0.001)
        let module = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/python/vaetop/schema.py").path
        #expect(try Binary.run(["schema", "--python"]).stdout == (try String(contentsOfFile: module, encoding: .utf8)))
    }

    /// `--version`, and shell completion that completes folders where a run is expected.
    @Test func versionAndCompletion() throws {
        let v = try Binary.run(["--version"])
        #expect(v.status == 0 && v.stdout == "0.12.0\n", "\(v.stdout)\(v.stderr)")
        // The Python client's package is released with the binary: the same version.
        let initFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/python/vaetop/__init__.py").path
        #expect(try String(contentsOfFile: initFile, encoding: .utf8).contains("__version__ = \"\(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\""))
        let bash = try Binary.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0 && bash.stdout.contains("_vaetop_replay()") && bash.stdout.contains("__vaetop_add_completions -d"))
        // Help texts are ASCII: the man page generator drops other characters ("Adam β1." became "Adam 1.").
        for command in ["train", "replay", "watch", "export", "lr-find", "schedule", "bench"] {
            let help = try Binary.run([command, "--help"])
            #expect(help.status == 0 && help.stdout.unicodeScalars.allSatisfy(\.isASCII), "\(command) --help: \(help.stdout.unicodeScalars.filter { !$0.isASCII })")
        }
    }

    /// `watch` without a terminal says why at once and exits 64 (it once waited, then exited 1), naming what reads a
    /// run without a screen; it does not wait for a folder it could never show.
    @Test func watchWithoutATerminalSaysWhyAtOnce() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["watch", dir.file("later")], timeout: 20)
        #expect(r.status == 64 && r.seconds < 10, "status \(r.status) after \(r.seconds) s")
        #expect(r.stderr.contains("watch draws on a terminal and standard output is not a terminal") && r.stderr.contains("vaetop replay PATH"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && !r.stderr.contains("waiting for"), "\(r.stderr)")
    }

    @Test func missingDataFolderIsNamed() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", "--data", dir.file("nowhere")], in: dir.path)
        #expect(r.status == 65)
        #expect(r.stderr.contains("nowhere") && r.stderr.contains("train-images-idx3-ubyte"))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).isEmpty)
    }

    @Test func existingRunDirectoryIsRefused() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        _ = FileManager.default.createFile(atPath: dir.file("x"), contents: Data("keep".utf8))
        let r = try Binary.run(["train", "--headless", "--out", dir.path])
        #expect(r.status == 64 && r.stderr.contains("already holds files"))
        #expect(String(decoding: FileManager.default.contents(atPath: dir.file("x"))!, as: UTF8.self) == "keep")
    }

    /// A short headless run on the embedded data writes a run file the reader loads completely.
    @Test func headlessEndToEnd() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", "--epochs", "1", "--encoder", "64", "--latent", "8",
                                "--eval-every", "10", "--out", dir.file("run")])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("finished after 36 steps"))      // 4,500 images / 128 → 36 steps
        #expect(!r.stdout.contains("\r"), "no progress bar when stdout is a pipe")
        let c = try RunFileReader.read(dir.file("run"))
        #expect(c.skipped.isEmpty && !c.tornTail)
        #expect(c.header.config.encoder == [64] && c.header.config.decoder == [64] && c.header.config.latent == 8)
        #expect(c.header.trainImages == 4500 && c.header.testImages == 500)
        let steps = c.events.filter { if case .step = $0 { true } else { false } }
        #expect(steps.count == 36)
        let evals = c.events.compactMap { if case .eval(let e) = $0 { e } else { nil } }
        // Every 10 steps and at the end, the end's again with the IWAE bound.
        #expect(evals.map(\.step) == [10, 20, 30, 36, 36] && evals.last?.iwae != nil)
        if case .end(let e)? = c.events.last { #expect(e.reason == .finished && e.testLoss! < 300) } else { Issue.record("no end") }
    }

    @Test func schedulePreviewCSV() throws {
        let r = try Binary.run(["schedule", "--lr-schedule", "onecycle", "--max-lr", "0.01", "--steps", "20", "--csv",
                                "--beta-schedule", "linear", "--beta-warmup", "10"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "step,lr,momentum,beta")
        #expect(lines.count == 21)
        let row = lines[1].split(separator: ",").map { Double($0)! }
        #expect(row[0] == 1 && abs(row[1] - 0.01 / 25) < 1e-12 && row[2] == 0.95 && row[3] == 0)
        let last = lines[20].split(separator: ",").map { Double($0)! }
        #expect(last[3] == 1)
    }

    @Test func schedulePreviewDraws() throws {
        let r = try Binary.run(["schedule", "--lr-schedule", "cosine", "--epochs", "2"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("lr (cosine)") && r.stdout.contains("β (constant)"))
        #expect(r.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    }
}

/// `vaetop lr-find` end to end: suggestions printed, and --apply trains with a one-cycle schedule between them.
@Suite struct LRFindCommandTests {
    @Test func findsAndApplies() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["lr-find", "--encoder", "32", "--latent", "4", "--lr-steps", "40", "--epochs", "1",
                                "--apply", "onecycle", "--out", dir.file("run")])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("suggestions: steepest") && r.stdout.contains("cyclic bounds"))
        let c = try RunFileReader.read(dir.file("run"))
        #expect(c.header.config.lrSchedule.kind == .onecycle && c.header.config.lrSchedule.maxLR != nil)
        #expect(c.events.contains { if case .alert(let a) = $0 { a.message.hasPrefix("lr range test") } else { false } })
        if case .end(let e)? = c.events.last { #expect(e.reason == .finished) } else { Issue.record("no end") }
    }

    @Test func badRangeIsRefused() throws {
        let r = try Binary.run(["lr-find", "--start-lr", "1", "--end-lr", "0.1"])
        #expect(r.status == 64 && r.stderr.hasPrefix("vaetop: error: --start-lr/--end-lr"))
    }
}
