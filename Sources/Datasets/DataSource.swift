import Foundation
import ResourceLocator

/// Where the training and test images come from.
public enum DataSource: Sendable, Equatable, CustomStringConvertible {
    /// The embedded 5,000-image MNIST subset: 4,500 to train, the last 50 of every digit to test.
    case embedded
    /// A folder in torchvision's layout: `train-images-idx3-ubyte[.gz]`, `t10k-…`.
    case directory(String)

    public var description: String {
        switch self {
        case .embedded: return "embedded MNIST 5k (4,500 train / 500 test)"
        case .directory(let d): return d
        }
    }

    /// Images held out per digit in the embedded split.
    public static let embeddedTestPerDigit = 50

    /// Loads (train, test).
    public func load() throws(IDXError) -> (train: ImageDataset, test: ImageDataset) {
        switch self {
        case .embedded:
            let dir = Self.embeddedDirectory
            let all = try IDXReader.load(images: dir + "/train-images-idx3-ubyte.gz", labels: dir + "/train-labels-idx1-ubyte.gz")
            return Self.splitHoldout(all, perClass: Self.embeddedTestPerDigit)
        case .directory(let d):
            let train = try IDXReader.load(images: try Self.find(d, "train-images-idx3-ubyte"),
                                           labels: try Self.find(d, "train-labels-idx1-ubyte"))
            let test = try IDXReader.load(images: try Self.find(d, "t10k-images-idx3-ubyte"),
                                          labels: try Self.find(d, "t10k-labels-idx1-ubyte"))
            return (train, test)
        }
    }

    /// Splits off the last `perClass` images of every label as the test set (fixed, no randomness).
    public static func splitHoldout(_ all: ImageDataset, perClass: Int) -> (train: ImageDataset, test: ImageDataset) {
        var byLabel: [UInt8: [Int]] = [:]
        for i in 0..<all.count { byLabel[all.labels[i], default: []].append(i) }
        var train: [Int] = [], test: [Int] = []
        for label in byLabel.keys.sorted() {
            let idx = byLabel[label]!
            let cut = max(0, idx.count - perClass)
            train += idx[..<cut]
            test += idx[cut...]
        }
        return (all.subset(train), all.subset(test))
    }

    /// The folder holding the embedded IDX files: `share/vaetop/mnist` beside the executable (an installed or
    /// `make dist` layout), else the project's `Sources/Datasets/Resources/mnist` (a build); a missing folder is
    /// reported by the reader as a missing file, naming the first place looked.
    public static var embeddedDirectory: String {
        ResourceFolders.find("mnist", inProject: "Sources/Datasets/Resources/mnist", fromCurrentFolder: false)
            ?? ResourceFolders.candidates("mnist", fromCurrentFolder: false)[1]
    }

    static func find(_ dir: String, _ stem: String) throws(IDXError) -> String {
        for name in [stem + ".gz", stem] {
            let p = (dir as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        throw .missing(path: (dir as NSString).appendingPathComponent(stem + "[.gz]"))
    }
}

extension DataSource {
    /// The training labels file of a torchvision-layout folder.
    public static func labelsPath(_ dir: String) throws(IDXError) -> String { try find(dir, "train-labels-idx1-ubyte") }
}
