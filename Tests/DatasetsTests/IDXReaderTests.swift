import Datasets
import Foundation
import TestSupport
import Testing

@Suite struct IDXReaderTests {
    func header(_ magic: UInt32, _ dims: [UInt32]) -> [UInt8] {
        ([magic] + dims).flatMap { v in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    }

    @Test func readsRawImagesAndLabels() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let img = header(2051, [2, 2, 3]) + [0, 255, 51, 0, 0, 0, 1, 2, 3, 4, 5, 6]
        let lab = header(2049, [2]) + [7, 3]
        _ = FileManager.default.createFile(atPath: dir.file("i"), contents: Data(img))
        _ = FileManager.default.createFile(atPath: dir.file("l"), contents: Data(lab))
        let ds = try IDXReader.load(images: dir.file("i"), labels: dir.file("l"))
        #expect(ds.count == 2 && ds.rows == 2 && ds.cols == 3)
        #expect(ds.labels == [7, 3])
        #expect(ds.images[1] == 1 && ds.images[2] == 0.2)
    }

    @Test func truncatedFileNamesTheFileAndSizes() {
        let bytes = header(2051, [3, 28, 28]) + [UInt8](repeating: 0, count: 100)
        #expect(throws: IDXError.sizeMismatch(path: "x.idx", expectedBytes: 2352, actualBytes: 100)) {
            try IDXReader.parseImages(bytes, path: "x.idx")
        }
        let e = IDXError.sizeMismatch(path: "x.idx", expectedBytes: 2352, actualBytes: 100)
        #expect(e.description.contains("x.idx") && e.description.contains("truncated"))
    }

    @Test func wrongMagicIsReported() {
        let bytes = header(2049, [1, 1, 1]) + [1]
        #expect(throws: IDXError.badMagic(path: "img", found: 2049, expected: 2051)) {
            try IDXReader.parseImages(bytes, path: "img")
        }
        #expect(throws: IDXError.tooShort(path: "img", bytes: 3)) { try IDXReader.parseImages([0, 0, 8], path: "img") }
    }

    @Test func missingFileAndCountMismatch() throws {
        #expect(throws: IDXError.missing(path: "/nonexistent/a")) { try IDXReader.readBytes("/nonexistent/a") }
        let dir = TempDirectory(); defer { dir.remove() }
        _ = FileManager.default.createFile(atPath: dir.file("i"), contents: Data(header(2051, [1, 1, 1]) + [9]))
        _ = FileManager.default.createFile(atPath: dir.file("l"), contents: Data(header(2049, [2]) + [1, 2]))
        #expect(throws: IDXError.countMismatch(images: dir.file("i"), imageCount: 1, labels: dir.file("l"), labelCount: 2)) {
            try IDXReader.load(images: dir.file("i"), labels: dir.file("l"))
        }
    }

    @Test func corruptGzipIsReported() {
        let dir = TempDirectory(); defer { dir.remove() }
        // A gzip header followed by garbage.
        _ = FileManager.default.createFile(atPath: dir.file("g.gz"), contents: Data([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]))
        #expect(throws: IDXError.self) {
            try IDXReader.parseImages(try IDXReader.readBytes(dir.file("g.gz")), path: dir.file("g.gz"))
        }
    }
}

@Suite struct EmbeddedDataTests {
    @Test func embeddedSplitHolds50PerDigitOut() throws {
        let (train, test) = try DataSource.embedded.load()
        #expect(train.count == 4500 && test.count == 500)
        #expect(train.dimension == 784)
        for d in 0..<10 {
            #expect(test.labels.filter { $0 == d }.count == 50)
            #expect(train.labels.filter { $0 == d }.count == 450)
        }
        #expect(train.images.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func directoryLoadsTorchvisionLayoutAndNamesMissingFiles() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        #expect(throws: IDXError.self) { try DataSource.directory(dir.path).load() }
        do { _ = try DataSource.directory(dir.path).load() } catch {
            #expect(error.description.contains("train-images-idx3-ubyte"))
        }
        // Raw (not gzip) copies of the embedded files under both names.
        let src = DataSource.embeddedDirectory
        for stem in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"] {
            let bytes = try IDXReader.readBytes(src + "/\(stem).gz")
            _ = FileManager.default.createFile(atPath: dir.file(stem), contents: Data(bytes))
            _ = FileManager.default.createFile(atPath: dir.file(stem.replacingOccurrences(of: "train", with: "t10k")), contents: Data(bytes))
        }
        let (train, test) = try DataSource.directory(dir.path).load()
        #expect(train.count == 5000 && test.count == 5000)
    }
}
