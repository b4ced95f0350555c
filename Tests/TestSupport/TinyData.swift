import Datasets
import TensorCore

/// Small synthetic image sets for fast trainer tests.
public enum TinyData {
    /// `count` images of `side`×`side` pixels: blurry bars whose position depends on the label.
    public static func bars(count: Int, side: Int = 8, seed: UInt64 = 7) -> ImageDataset {
        var rng = RandomSource(seed: seed)
        var images: [Float] = []
        var labels: [UInt8] = []
        for i in 0..<count {
            let label = i % side
            labels.append(UInt8(label))
            for r in 0..<side {
                for c in 0..<side {
                    let on = c == label || r == (label * 3) % side
                    let v = on ? 0.8 + 0.2 * rng.nextUniform() : 0.1 * rng.nextUniform()
                    images.append(Float(v))
                }
            }
        }
        return ImageDataset(images: images, labels: labels, rows: side, cols: side)
    }
}
