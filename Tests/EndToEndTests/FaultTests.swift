import Foundation
import Runs
import TestSupport
import Testing

/// The fuzz-and-fault report's reproductions, each run against the real binary.
@Suite(.serialized) struct FaultTests {
    /// A small real run made once: `train --headless --epochs 1 --encoder 32 --latent 4` (36 steps).
    static func smallRun(_ dir: TempDirectory, name: String = "run", extra: [String] = []) throws -> String {
        let path = dir.file(name)
        let r = try Binary.run(["train", "--headless", "--epochs", "1", "--encoder", "32", "--latent", "4", "--out", path] + extra)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        return path
    }

    /// A 200-epoch headless run of a small model in the background, to interrupt or to compete with.
    static func longRun(_ out: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.vaetop)
        p.arguments = ["train", "--headless", "--epochs", "200", "--encoder", "32", "--latent", "4", "--out", out]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Waits for a process to end, killing it after `seconds` (false then): a test never hangs.
    static func waitExit(_ p: Process, _ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit(); return false }
        p.waitUntilExit()
        return true
    }

    /// `(head -1 run.jsonl; echo '{"step":"nan"}') > x/run.jsonl; vaetop export x --csv -` used to die of SIGILL.
    @Test func oneBadNumberIsSkippedAndReported() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try Self.smallRun(dir)
        let lines = try String(contentsOfFile: run + "/run.jsonl", encoding: .utf8).split(separator: "\n")
        try FileManager.default.createDirectory(atPath: dir.file("x"), withIntermediateDirectories: true)
        let bad = [String(lines[0]), "{\"step\":\"nan\"}", "{\"step\":1e300}", "{\"kind\":\"step\",\"step\":9223372036854775807}"]
            + lines.dropFirst().map(String.init)
        try (bad.joined(separator: "\n") + "\n").write(toFile: dir.file("x/run.jsonl"), atomically: true, encoding: .utf8)
        let r = try Binary.run(["export", dir.file("x"), "--csv", "-"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 37)   // header row + 36 steps
        #expect(r.stderr.contains("skipped line 2") && r.stderr.contains("skipped line 3") && r.stderr.contains("skipped line 4"))
        // A header that would make the screen allocate without bound is refused in one line.
        let huge = String(lines[0]).replacingOccurrences(of: "\"trainImages\":", with: "\"trainImages\":9223372036854775807,\"x\":")
        try (huge + "\n").write(toFile: dir.file("x/run.jsonl"), atomically: true, encoding: .utf8)
        let h = try Binary.run(["replay", dir.file("x")])
        #expect(h.status == 65 && h.stderr.contains("trainImages") && h.stderr.split(separator: "\n").count == 1, "\(h.stderr)")
    }

    /// CSV output: regular files replaced atomically, devices and FIFOs streamed, symlinks followed (said so).
    @Test func exportNeverReplacesWhatIsNotARegularFile() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try Self.smallRun(dir)
        var st = stat()
        let devnull = try Binary.run(["export", run, "--csv", "/dev/null"])
        #expect(devnull.status == 0 && devnull.stdout.contains("streamed"), "\(devnull.stdout)\(devnull.stderr)")
        #expect(lstat("/dev/null", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")
        // Through a symlink: the target is written, the link stays a link.
        _ = FileManager.default.createFile(atPath: dir.file("target.csv"), contents: Data("old".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.csv"), withDestinationPath: dir.file("target.csv"))
        let link = try Binary.run(["export", run, "--csv", dir.file("link.csv")])
        #expect(link.status == 0 && link.stdout.contains("symlink"), "\(link.stdout)")
        #expect(lstat(dir.file("link.csv"), &st) == 0 && st.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: dir.file("target.csv"), encoding: .utf8).hasPrefix("step,"))
        // A FIFO is streamed into, not replaced.
        #expect(mkfifo(dir.file("pipe"), 0o644) == 0)
        let nobody = try Binary.run(["export", run, "--csv", dir.file("pipe")], timeout: 20)
        #expect(nobody.status == 74 && nobody.stderr.contains("no process is reading"), "\(nobody.stderr)")
        let readFD = open(dir.file("pipe"), O_RDONLY | O_NONBLOCK)   // a reader holds the FIFO open
        defer { close(readFD) }
        let fifo = try Binary.run(["export", run, "--csv", dir.file("pipe")], timeout: 20)
        #expect(fifo.status == 0 && lstat(dir.file("pipe"), &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "\(fifo.stderr)")
        var buf = [UInt8](repeating: 0, count: 5)
        #expect(read(readFD, &buf, 5) == 5 && buf == Array("step,".utf8))
        // A folder is refused.
        let folder = try Binary.run(["export", run, "--csv", dir.path])
        #expect(folder.status == 64 && folder.stderr.contains("is a folder"))
    }

    /// `vaetop train --headless --optimizer sgd --epochs 1` diverges at step 3 and used to wait forever; without a
    /// repair (`--on-diverge stop`; the default rule repairs it: GuardEndToEndTests) it ends with exit 3.
    @Test func headlessDivergenceEndsWithTheLastFiniteCheckpoint() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", "--optimizer", "sgd", "--epochs", "1", "--on-diverge", "stop", "--out", dir.file("d")], timeout: 60)
        #expect(r.status == 3, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("diverged at step") && r.stderr.contains("last finite state"))
        let c = try RunFileReader.read(dir.file("d"))
        guard case .end(let e)? = c.events.last else { Issue.record("no end record"); return }
        #expect(e.reason == .diverged)
        // The checkpoint holds finite weights: resuming it is accepted (and diverges again, honestly).
        let resumed = try Binary.run(["train", "--headless", "--resume", dir.file("d")], timeout: 60)
        #expect(resumed.status == 3 && !resumed.stderr.contains("non-finite values"), "\(resumed.stderr)")
    }

    /// Two writers of one run directory: the second is refused, naming the first one's pid.
    @Test func aSecondWriterIsRefused() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let first = try Self.longRun(dir.file("r"))
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: dir.file("r/run.jsonl")) && Date() < deadline { usleep(50_000) }
        for args in [["train", "--headless", "--out", dir.file("r")], ["train", "--headless", "--resume", dir.file("r")]] {
            let second = try Binary.run(args, timeout: 30)
            #expect(second.status == 75 && second.stderr.contains("pid \(first.processIdentifier)"), "\(args): \(second.stderr)")
            #expect(second.stderr.split(separator: "\n").count == 1)
        }
        first.terminate()
        #expect(Self.waitExit(first, 60), "SIGTERM ended the run")
        #expect(first.terminationStatus == 143, "SIGTERM exits 128 + 15")
        let c = try RunFileReader.read(dir.file("r"))
        #expect(c.events.filter { if case .end = $0 { true } else { false } }.count == 1)
        if case .end(let e)? = c.events.last { #expect(e.reason == .interrupted) } else { Issue.record("no end record") }
    }

    /// Ctrl-C exits 130 after writing the end record and a checkpoint.
    @Test func interruptExits130() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let p = try Self.longRun(dir.file("r"))
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(30)
        while ((try? RunFileReader.read(dir.file("r")).events.count) ?? 0) < 5 && Date() < deadline { usleep(50_000) }
        p.interrupt()
        #expect(Self.waitExit(p, 60), "Ctrl-C ended the run")
        #expect(p.terminationStatus == 130)
        #expect(FileManager.default.fileExists(atPath: dir.file("r/checkpoint.bin")))
    }

    /// A full disk: every checkpoint fails, the run says what was not saved and exits 74.
    @Test func fullDiskFailsLoudly() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let mountPoint = dir.file("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        // A 1 MB tmpfs holds the run file of a small run but not the default model's 7.8 MB checkpoint.
        let mounted = system("mount -t tmpfs -o size=1m tmpfs '\(mountPoint)' 2>/dev/null") == 0
        defer { if mounted { _ = system("umount '\(mountPoint)' 2>/dev/null") } }
        var env = ProcessInfo.processInfo.environment
        if !mounted { env["VAETOP_FAULT_ENOSPC"] = "1" }   // no tmpfs here: the same error, injected
        let r = try Binary.run(["train", "--headless", "--epochs", "1", "--out", mountPoint + "/run"], environment: env, timeout: 120)
        #expect(r.status == 74, "stdout: \(r.stdout.suffix(300)) stderr: \(r.stderr)")
        #expect(r.stderr.contains("not saved") || r.stderr.contains("run file"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    /// Strings from a file never reach the terminal raw: names and messages lose their control characters.
    @Test func escapeSequencesFromAFileAreStripped() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try Self.smallRun(dir)
        var text = try String(contentsOfFile: run + "/run.jsonl", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"name\":\"run\"", with: "\"name\":\"\\u001b]0;pwned\\u0007\\u001b[2J\"")
        text += RunFileCodec.encode(.alert(Alert(step: 36, level: .error, message: "\u{1B}[2J\u{1B}]0;owned\u{07}boom"))) + "\n"
        try text.write(toFile: run + "/run.jsonl", atomically: true, encoding: .utf8)
        let r = try Binary.run(["replay", run])   // no terminal: the description, as `replay … | cat` prints it
        #expect(r.status == 0)
        #expect(!r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(r.stdout.debugDescription)")
        #expect(r.stdout.contains("?]0;pwned"))
    }

    /// Resources are found wherever vaetop runs from; CRLF and oversized themes; the margin range reads right.
    @Test func resourcesThemesAndMessages() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let list = try Binary.run(["replay"], in: dir.path)
        #expect(list.stdout.contains("sample runs in") && list.stdout.contains("free-bits"), "\(list.stdout)")
        let margin = try Binary.run(["train", "--headless", "--margin", "0.9"], in: dir.path)
        #expect(margin.status == 64 && margin.stderr.contains("[0, 0.6931)"), "\(margin.stderr)")
    }
}
