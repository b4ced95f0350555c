import Foundation
import Runs
import TestSupport
import Testing

/// The run directory's lock: one writer at a time, and a writer that ends cleanly leaves no lock file behind.
@Suite struct RunLockTests {
    @Test func aReleasedLockLeavesNoFileAndFreesTheDirectory() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let lock = try RunLock(directory: dir.path)
        #expect(FileManager.default.fileExists(atPath: dir.file(RunLock.fileName)))
        #expect(throws: RunFileError.self) { _ = try RunLock(directory: dir.path) }
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: dir.file(RunLock.fileName)), "a clean exit leaves .vaetop-lock")
        lock.release()   // twice is harmless
        let next = try RunLock(directory: dir.path)
        #expect(RunLock.holder(dir.path) == getpid())
        next.release()
    }

    @Test func boundsAndValuesReadAsPeopleWriteThem() {
        #expect(Hyperparameter.lr.problem(with: 1e12) == "lr must be in (0, 10], got 1e+12")
        #expect(Hyperparameter.freezeDiscriminator.text(1) == "on" && Hyperparameter.freezeDiscriminator.text(0) == "off")
        #expect(Hyperparameter.lr.text(0.001) == "0.001")
    }
}
