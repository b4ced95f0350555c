import Foundation
import RunControl
import Runs
import TestSupport
import Testing
import Training

/// The real binary on a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.
@Suite(.serialized) struct TerminalEndToEndTests {
    let socket = "vaetop-test-\(UUID().uuidString.prefix(8))"

    /// Runs tmux through system(3): Foundation's Process never sees `new-session -d` exit on Linux,
    /// because the forked tmux server inherits the descriptor it watches.
    @discardableResult
    func tmux(_ args: [String]) -> String {
        let path = NSTemporaryDirectory() + "/tmux-out-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let quoted = (["tmux", "-L", socket] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        _ = system(quoted.joined(separator: " ") + " </dev/null >'\(path)' 2>/dev/null")
        return String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    func screen(_ session: String = "e2e") -> String { tmux(["capture-pane", "-t", session, "-p"]) }

    /// Polls until `condition` holds (true) or `seconds` pass (false).
    func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if condition() { return true }; usleep(100_000) }
        return condition()
    }

    func records(_ dir: String) -> [RunEvent] { (try? RunFileReader.read(dir).events) ?? [] }

    /// The Python client's slow fake loop (`test_vaetop.py --slow RUN`) started in the background: a training loop in
    /// another process for `vaetop watch` to follow and steer.
    func slowClientRun(_ run: String) throws -> Process {
        let client = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("clients/python/test_vaetop.py").path
        let trainer = Process()
        trainer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        trainer.arguments = ["python3", client, "--slow", run]
        trainer.standardOutput = FileHandle.nullDevice
        trainer.standardError = FileHandle.nullDevice
        try trainer.run()
        return trainer
    }

    @Test func trainPauseChangeLrResizeQuit() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let run = dir.file("run")
        let command = "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) --epochs 300 --encoder 64 --latent 8 --out \(run); echo VAETOP_EXIT=$?; sleep 60"
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command])

        // First frame.
        #expect(wait(30) { screen().contains("1 loss") && screen().contains("8 events") }, "no first frame:\n\(screen())")
        #expect(wait(20) { screen().contains("/10800") }, "no steps:\n\(screen())")

        // Pause.
        tmux(["send-keys", "-t", "e2e", "Space"])
        #expect(wait(10) { screen().contains("● paused") }, "not paused:\n\(screen())")
        #expect(wait(5) { records(run).contains { if case .state(let s) = $0 { s.state == .paused } else { false } } })

        // Raise the lr one step (lr is selected first): the change is in the run file and on screen.
        tmux(["send-keys", "-t", "e2e", "Right"])
        #expect(wait(10) {
            records(run).contains { if case .change(let c) = $0 { c.parameter == .lr && c.source == "keyboard" && abs((c.new ?? 0) - 0.00125) < 1e-12 } else { false } }
        }, "no lr change in the run file")
        #expect(wait(5) { screen().contains("│ lr 0.00125 │") }, "change not shown:\n\(screen())")

        // Resize: smaller, too small, back.
        tmux(["resize-window", "-t", "e2e", "-x", "80", "-y", "24"])
        #expect(wait(10) { let s = screen(); return s.split(separator: "\n", omittingEmptySubsequences: false).count <= 25 && s.contains("1 loss") })
        // At 80×24 the status line keeps lr, β and λ and the hint line keeps help and quit.
        // (Polled: the frame after a resize may still be on its way.)
        func small() -> [String] { screen().split(separator: "\n").map(String.init) }
        #expect(wait(5) { small().first.map { $0.contains("lr 0.00125") && $0.contains("β ") && $0.contains("λ ") } == true },
                "80×24 status: \(small().first ?? "")")
        #expect(wait(5) { small().last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.contains("? help") && $0.contains("q quit") } == true },
                "80×24 hints:\n\(screen())")
        // The mouse wheel over the loss chart zooms time (an X10 report: ESC [ M, button 64 + 32, column and row + 33).
        tmux(["send-keys", "-t", "e2e", "-l", "\u{1B}[M`+&"])
        #expect(wait(5) { screen().contains("time: the last 1/2") }, "wheel did nothing:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "-"])
        tmux(["resize-window", "-t", "e2e", "-x", "10", "-y", "5"])
        #expect(wait(10) { screen().contains("too small") }, "too-small message missing:\n\(screen())")
        tmux(["resize-window", "-t", "e2e", "-x", "120", "-y", "40"])
        #expect(wait(10) { screen().contains("1 loss") && screen().contains("7 hyperparameters") })

        // Resume, then quit: asks first, then stops cleanly.
        tmux(["send-keys", "-t", "e2e", "Space"])
        #expect(wait(10) { screen().contains("● running") })
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("quit? y / n") })
        tmux(["send-keys", "-t", "e2e", "y"])
        #expect(wait(60) { screen().contains("VAETOP_EXIT=0") }, "did not exit cleanly:\n\(screen())")

        // The terminal is restored: normal screen, cursor visible.
        #expect(tmux(["display", "-p", "-t", "e2e", "#{alternate_on} #{cursor_flag}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0 1")
        #expect(screen().contains("stopped after"))

        // The run is complete: end record, final checkpoint.
        let c = try RunFileReader.read(run)
        #expect(c.skipped.isEmpty && !c.tornTail)
        if case .end(let e)? = c.events.last { #expect(e.reason == .stopped) } else { Issue.record("no end record") }
        #expect(c.events.contains { if case .checkpoint = $0 { true } else { false } })
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoint.bin"))
    }

    /// `vaetop watch` on a run written by the Python client's fake loop: an lr change from the keyboard reaches
    /// the other process, which acknowledges it in the run file, and the screen shows it.
    @Test func watchSteersAnExternalTrainer() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let run = dir.file("ext")
        let trainer = try slowClientRun(run)
        defer { if trainer.isRunning { trainer.terminate() } }
        #expect(wait(10) { FileManager.default.fileExists(atPath: run + "/run.jsonl") })
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
              "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) watch \(run); echo VAETOP_EXIT=$?; sleep 30"])
        #expect(wait(20) { screen().contains("following") && screen().contains("1 loss") && records(run).contains { if case .step = $0 { true } else { false } } },
                "no watch screen:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "Right"])
        #expect(wait(10) {
            records(run).contains { if case .change(let c) = $0 { c.parameter == .lr && c.source == "client" && c.new == 0.00125 } else { false } }
        }, "the client did not acknowledge the lr change")
        #expect(wait(5) { screen().contains("│ lr 0.00125 │") }, "change not shown:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("VAETOP_EXIT=0") })
        #expect(trainer.isRunning, "quitting the watcher must not stop the trainer")
    }

    /// `kill -9` of the Python loop being watched: within 15 s the screen no longer says running, but that the run
    /// ended without an end record and its process is gone; a key then sends nothing.
    @Test func watchSaysWhenTheTrainerDies() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let run = dir.file("ext")
        let trainer = try slowClientRun(run)
        defer { if trainer.isRunning { kill(trainer.processIdentifier, SIGKILL) } }
        #expect(wait(10) { FileManager.default.fileExists(atPath: run + "/.vaetop-alive") })
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
              "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) watch \(run); echo VAETOP_EXIT=$?; sleep 30"])
        #expect(wait(20) { screen().contains("● running") && screen().contains("1 loss") }, "no watch screen:\n\(screen())")
        kill(trainer.processIdentifier, SIGKILL)
        trainer.waitUntilExit()
        let killed = Date()
        #expect(wait(15) { screen().contains("ended without an end record (process \(trainer.processIdentifier) gone)") }, "\(screen())")
        #expect(Date().timeIntervalSince(killed) < 15 && !screen().split(separator: "\n")[0].contains("running"))
        tmux(["send-keys", "-t", "e2e", "Space"])
        #expect(wait(5) { screen().contains("nothing sent") })
        #expect(!FileManager.default.fileExists(atPath: run + "/commands.jsonl"), "a command was sent to a dead process")
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("VAETOP_EXIT=0") })
    }

    /// 120×50, where every run with images used to die on its first frame; then SIGTERM on the screen exits 143
    /// with the end record written, and a crash signal on the screen still lets the trainer save.
    @Test func screenAt120x50SurvivesAndSignalsSave() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        for (signal, code, reason) in [("TERM", 143, "interrupted"), ("ILL", 132, "crashed")] {
            // One session per signal, all on one server until the end: killing the last session makes the
            // server exit, and a new-session racing that exit finds no server (an empty pane, seen in CI).
            let session = "e2e-\(signal)"
            let run = dir.file("run-\(signal)")
            // The shell writes its pid and becomes vaetop (exec), so the signal goes to vaetop on the terminal.
            let command = "env LANG=C.UTF-8 TERM=tmux-256color sh -c 'echo $$ > \(run).pid; exec \(Binary.vaetop) --epochs 300 --encoder 64 --latent 8 --out \(run)'; echo VAETOP_EXIT=$?; sleep 60"
            tmux(["-u", "new-session", "-d", "-s", session, "-x", "120", "-y", "50", command])
            #expect(wait(30) { screen(session).contains("reconstruction") && screen(session).contains("/10800") }, "no first frame with images:\n\(screen(session))")
            // Resize storm across the sizes that used to crash.
            for (w, h) in [(121, 51), (125, 53), (130, 50), (119, 49), (120, 50)] {
                tmux(["resize-window", "-t", session, "-x", "\(w)", "-y", "\(h)"]); usleep(60_000)
            }
            #expect(wait(10) { screen(session).contains("1 loss") }, "screen gone after the resizes:\n\(screen(session))")
            let pid = (try? String(contentsOfFile: run + ".pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            _ = system("kill -\(signal) \(pid)")
            if signal == "ILL" {
                // Swift's crash reporter then waits up to 30 s for a key on a terminal; any key lets it finish.
                _ = wait(20) { screen(session).contains("Press space") }
                tmux(["send-keys", "-t", session, "q"])
            }
            #expect(wait(30) { screen(session).contains("VAETOP_EXIT=\(code)") }, "\(signal): wrong exit:\n\(screen(session))")
            #expect(tmux(["display", "-p", "-t", session, "#{alternate_on}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
            let c = try RunFileReader.read(run)
            if case .end(let e)? = c.events.last { #expect(e.reason.rawValue == reason) } else { Issue.record("\(signal): no end record") }
            #expect(FileManager.default.fileExists(atPath: run + "/checkpoint.bin"), "\(signal): no checkpoint")
        }
    }

    /// `watch` on a folder that does not exist yet says it waits, then draws the run once it appears there.
    @Test func watchWaitsForTheRunToAppear() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let later = dir.file("later")
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
              "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) watch \(later); echo VAETOP_EXIT=$?; sleep 60"])
        #expect(wait(15) { screen().contains("waiting for \(later) to hold a run") }, "no waiting line:\n\(screen())")
        try FileManager.default.createDirectory(atPath: later, withIntermediateDirectories: true)
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-runs/free-bits/run.jsonl").path
        try FileManager.default.copyItem(atPath: sample, toPath: later + "/run.jsonl")
        #expect(wait(15) { screen().contains("1 loss") }, "the run that appeared is not drawn:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("VAETOP_EXIT=0") && screen().contains("holds a run now") }, "\(screen())")
    }

    /// `f` in a replay asks first, naming the checkpoint's step and the new run's folder; where runs/ cannot be made
    /// (here a FIFO) it says why and the replay stays open (it once exited 64 with an error about --out).
    @Test func replayForkAsksAndSurvivesAnUnmakeableFolder() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let run = dir.file("r")
        let p = try FaultTests.longRun(run)
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        #expect(wait(30) { records(run).filter { if case .step = $0 { true } else { false } }.count >= 5 })
        p.terminate()
        #expect(FaultTests.waitExit(p, 60) && FileManager.default.fileExists(atPath: run + "/checkpoint.bin"))
        let work = dir.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        #expect(mkfifo(work + "/runs", 0o644) == 0)
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
              "cd \(work) && env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) replay \(run); echo VAETOP_EXIT=$?; sleep 60"])
        #expect(wait(20) { screen().contains("1 loss") }, "no replay:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "End"])
        tmux(["send-keys", "-t", "e2e", "f"])
        #expect(wait(10) { screen().contains("cannot fork: 'runs' is a FIFO, not a folder") }, "\(screen())")
        #expect(screen().contains("1 loss") && !screen().contains("VAETOP_EXIT"), "the replay closed:\n\(screen())")
        // A folder that can be made: asked first, n keeps the replay, and nothing is written.
        try FileManager.default.removeItem(atPath: work + "/runs")
        tmux(["send-keys", "-t", "e2e", "f"])
        #expect(wait(10) { screen().contains("Fork: train a new run from the checkpoint at step") && screen().contains("into runs/") }, "\(screen())")
        tmux(["send-keys", "-t", "e2e", "n"])
        #expect(wait(10) { screen().contains("fork cancelled") }, "\(screen())")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: work + "/runs")) ?? []).isEmpty)
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("VAETOP_EXIT=0") }, "\(screen())")
    }

    /// A screen whose main thread no longer answers (it once spent minutes in a 50 MB alert) still ends on SIGTERM and
    /// when its pane closes (SIGHUP): the watchdog restores the terminal, lets the trainer write its end record, exits.
    @Test func busyScreenStillEndsOnSignalAndClosedPane() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        tmux(["new-session", "-d", "-s", "keep", "sleep 300"])   // keeps the server up while the others close
        for (signal, code) in [("TERM", 143), ("HUP", 129)] {
            let session = "busy-\(signal)", run = dir.file("run-\(signal)")
            let command = "env LANG=C.UTF-8 TERM=tmux-256color VAETOP_FAULT_BUSY_SCREEN=1 sh -c 'echo $$ > \(run).pid; exec \(Binary.vaetop) --epochs 300 --encoder 64 --latent 8 --out \(run)'; echo VAETOP_EXIT=$? > \(run).exit; sleep 60"
            tmux(["-u", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
            #expect(wait(30) { screen(session).contains("1 loss") }, "no first frame:\n\(screen(session))")
            #expect(wait(30) { records(run).contains { if case .step = $0 { true } else { false } } })
            let pid = Int32((try? String(contentsOfFile: run + ".pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            try #require(pid > 0)
            if signal == "TERM" { kill(pid, SIGTERM) } else { tmux(["kill-session", "-t", session]) }
            #expect(wait(20) { kill(pid, 0) != 0 }, "\(signal): the busy screen is still running")
            if signal == "TERM" {
                #expect(wait(5) { (try? String(contentsOfFile: run + ".exit", encoding: .utf8))?.contains("VAETOP_EXIT=\(code)") == true })
                #expect(wait(5) { screen(session).contains("did not answer signal 15") }, "\(screen(session))")
            }
            if case .end(let e)? = records(run).last { #expect(e.reason == .interrupted) } else { Issue.record("\(signal): no end record") }
        }
    }

    /// The escape hatch: type lr 10, watch the run diverge, press u; the run is healthy again, quits cleanly, and
    /// its checkpoint is finite and resumes.
    @Test func undoRecoversFromAnLrThatDiverged() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let run = dir.file("run")
        let command = "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) --epochs 300 --encoder 64 --latent 8 --nan-patience 5 --out \(run); echo VAETOP_EXIT=$?; sleep 60"
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command])
        #expect(wait(30) { screen().contains("1 loss") && screen().contains("/10800") }, "no first frame:\n\(screen())")

        // lr is the selected knob: type 10.
        tmux(["send-keys", "-t", "e2e", "Enter"]); tmux(["send-keys", "-t", "e2e", "-l", "10"]); tmux(["send-keys", "-t", "e2e", "Enter"])
        #expect(wait(30) { screen().contains("diverged at step") && screen().contains("u undo lr") }, "no divergence offer:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "u"])
        #expect(wait(20) { records(run).contains { if case .rewind(let r) = $0 { r.reason == .undo } else { false } } }, "no rewind record")
        // Healthy again: running, lr back, finite steps after the rewind.
        #expect(wait(20) {
            let events = records(run)
            guard let i = events.lastIndex(where: { if case .rewind = $0 { true } else { false } }) else { return false }
            return events[i...].contains { if case .step(let m) = $0 { m.loss.isFinite && m.lr < 0.01 } else { false } }
        }, "no healthy step after the undo")
        #expect(wait(10) { screen().contains("● running") && screen().contains("│ lr 0.001 │") }, "not running again:\n\(screen())")
        #expect(wait(5) { screen().contains("ghost") }, "the abandoned branch is not on the charts:\n\(screen())")

        tmux(["send-keys", "-t", "e2e", "q"]); _ = wait(5) { screen().contains("quit? y / n") }
        tmux(["send-keys", "-t", "e2e", "y"])
        #expect(wait(60) { screen().contains("VAETOP_EXIT=0") }, "did not exit cleanly:\n\(screen())")
        let (snap, buffers) = try Checkpoint.read(run + "/checkpoint.bin")
        #expect(buffers.allSatisfy { $0.allSatisfy(\.isFinite) } && snap.knobs.lrMultiplier == 1)

        // --resume trains on from it (stopped after a few seconds by SIGTERM: exit 143, steps recorded).
        let resumed = try Binary.run(["--resume", run, "--headless"], timeout: 4)
        #expect(resumed.status == 143 || resumed.status == 0, "resume: \(resumed.stderr)")
        let after = records(run).compactMap { if case .step(let m) = $0, m.step > snap.stepsDone { m } else { nil } }
        #expect(!after.isEmpty && after.allSatisfy { $0.loss.isFinite }, "resume did not train")
    }

    /// Two sample runs compared: each name with its value in the legend, ] focuses the second (its name leads the
    /// status line); the nine sample runs open as a sweep (8 drawn, the table says so), and without a terminal as a
    /// table of nine rows.
    @Test func comparingRunsAndASweep() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        defer { tmux(["kill-server"]) }
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "48",
              "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) replay no-annealing cyclical-annealing; echo VAETOP_EXIT=$?; sleep 60"])
        #expect(wait(30) { screen().contains("compare: total") }, "no comparison:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "End"])
        // Each run's mark is a line in its colour, or its letter where the terminal shows too few colours.
        let legend = #/(━|A) no-annealing [0-9.]+  (━|B) cyclical-annealing [0-9.]+/#
        #expect(wait(10) { screen().contains("2160/2160") && screen().split(separator: "\n").contains { $0.contains(legend) } }, "\(screen())")
        #expect(screen().hasPrefix(" vaetop no-annealing"))
        tmux(["send-keys", "-t", "e2e", "]"])
        #expect(wait(10) { screen().hasPrefix(" vaetop cyclical-annealing  ● finished") }, "\(screen())")
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("VAETOP_EXIT=0") }, "\(screen())")

        tmux(["kill-session", "-t", "e2e"])
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "48",
              "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) replay sample-runs; echo VAETOP_EXIT=$?; sleep 60"])
        #expect(wait(60) { screen().contains("8 of 9 drawn · 1 hidden") }, "no sweep:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "q"])
        #expect(wait(10) { screen().contains("VAETOP_EXIT=0") }, "\(screen())")
        let table = try Binary.run(["replay", "sample-runs"], timeout: 120)
        let rows = table.stdout.split(separator: "\n")
        #expect(table.status == 0 && rows.count == 11 && rows[0].hasPrefix("run ") && rows[0].contains("beta-schedule") && rows[10].hasPrefix("test, best:"), "\(table.stdout)")
    }

    /// r holds a live run's step still under the rewind cursor (5 s); after the rewind the status keeps the planned
    /// total (200 epochs × 36 steps) and gives the epoch of the step gone back to.
    @Test func rewindHoldsTheRunStillAndKeepsThePlannedTotal() throws {
        let hasTmux = FileManager.default.fileExists(atPath: "/usr/bin/tmux") || FileManager.default.fileExists(atPath: "/usr/local/bin/tmux")
        try #require(hasTmux, "tmux is not installed (make deps installs it)")
        let dir = TempDirectory(); defer { dir.remove(); tmux(["kill-server"]) }
        let run = dir.file("run")
        tmux(["-u", "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "48",
              "env LANG=C.UTF-8 TERM=tmux-256color \(Binary.vaetop) --epochs 200 --encoder 64 --latent 8 --snapshot-every 10 --out \(run); echo VAETOP_EXIT=$?; sleep 60"])
        func step() -> Int? {
            guard let m = screen().firstMatch(of: #/step (\d+)/7200/#) else { return nil }
            return Int(m.1)
        }
        #expect(wait(60) { (step() ?? 0) >= 60 }, "the run did not get going:\n\(screen())")
        tmux(["send-keys", "-t", "e2e", "r"])
        #expect(wait(10) { screen().contains("rewind to step") && screen().contains("● paused") }, "\(screen())")
        let held = step()
        sleep(5)
        #expect(step() == held && held != nil, "the step moved under the rewind cursor:\n\(screen())")
        for _ in 0..<3 { tmux(["send-keys", "-t", "e2e", "Left"]) }
        usleep(500_000)
        tmux(["send-keys", "-t", "e2e", "Enter"])
        // The step gone back to, as the trainer's rewind record names it.
        var back = 0
        #expect(wait(20) {
            for case .rewind(let r) in records(run) { back = r.to; return true }
            return false
        }, "no rewind record")
        #expect(wait(10) { screen().contains("step \(back)/7200") && screen().contains("epoch \((back + 35) / 36)/200") }, "\(screen())")
        tmux(["send-keys", "-t", "e2e", " "])
        #expect(wait(10) { (step() ?? 0) > back && screen().contains("/7200") }, "\(screen())")
        tmux(["send-keys", "-t", "e2e", "q"]); _ = wait(5) { screen().contains("quit? y / n") }
        tmux(["send-keys", "-t", "e2e", "y"])
        #expect(wait(60) { screen().contains("VAETOP_EXIT=0") }, "did not exit cleanly:\n\(screen())")
    }

    @Test func notATerminalFallsBackToHeadless() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["--epochs", "1", "--encoder", "32", "--latent", "4", "--out", dir.file("run")])
        #expect(r.status == 0)
        #expect(r.stderr.contains("not a terminal") && r.stderr.contains("headless"))
        #expect(r.stdout.contains("finished after 36 steps"))
    }
}
