import Foundation
import TestSupport
import Testing

/// `make wheel`'s builder, on the binary of this build (CI has no time for the static dist build): the wheel holds
/// the client, the binary (executable), its console entry point and a RECORD whose hashes match; the entry point
/// runs the binary. `scripts/check-wheel.sh` checks the real wheel with the toolchain hidden (by hand).
@Suite struct WheelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func sh(_ command: String, in dir: String) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = dir + "/.out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let h = FileHandle(forWritingAtPath: out)!
        p.standardOutput = h; p.standardError = h; p.standardInput = FileHandle.nullDevice
        try? p.run(); p.waitUntilExit(); try? h.close()
        defer { try? FileManager.default.removeItem(atPath: out) }
        return (p.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    @Test func theWheelCarriesTheClientTheBinaryAndItsEntryPoint() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let built = sh("python3 '\(Self.root)/scripts/make-wheel.py' --binary '\(Binary.vaetop)' --out '\(dir.path)'", in: dir.path)
        #expect(built.status == 0, "\(built.output)")
        let wheel = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasSuffix(".whl") })
        #expect(wheel.hasPrefix("vaetop-") && wheel.contains("-py3-none-linux_"), "\(wheel)")
        // Contents, modes and RECORD hashes, read with the standard library's zipfile.
        let check = """
        import base64, hashlib, sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        names = set(z.namelist())
        info = [n for n in names if n.endswith(".dist-info/RECORD")][0].rsplit("/", 1)[0]
        for need in ["vaetop/__init__.py", "vaetop/client.py", "vaetop/_native/__init__.py", "vaetop/_native/bin/vaetop",
                     info + "/METADATA", info + "/WHEEL", info + "/entry_points.txt"]:
            assert need in names, need
        assert (z.getinfo("vaetop/_native/bin/vaetop").external_attr >> 16) & 0o111, "the binary is not executable"
        assert "vaetop = vaetop._native:main" in z.read(info + "/entry_points.txt").decode()
        assert "Root-Is-Purelib: false" in z.read(info + "/WHEEL").decode()
        for line in z.read(info + "/RECORD").decode().split():
            path, digest, size = line.rsplit(",", 2)
            if digest:
                data = z.read(path)
                assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), path
                assert int(size) == len(data), path
        z.extractall(sys.argv[2])
        print("ok")
        """
        try check.write(toFile: dir.file("check.py"), atomically: true, encoding: .utf8)
        let checked = sh("python3 check.py '\(wheel)' site", in: dir.path)
        #expect(checked.status == 0 && checked.output.contains("ok"), "\(checked.output)")
        // The console script pip makes calls vaetop._native:main, which runs the binary.
        _ = sh("chmod +x site/vaetop/_native/bin/vaetop", in: dir.path)
        let ran = sh("PYTHONPATH=site python3 -c 'import sys; sys.argv = [\"vaetop\", \"--version\"]; import vaetop._native as n; n.main()'", in: dir.path)
        let version = sh("'\(Binary.vaetop)' --version", in: dir.path).output
        #expect(ran.status == 0 && ran.output == version && !version.isEmpty, "\(ran.output) vs \(version)")
    }
}
