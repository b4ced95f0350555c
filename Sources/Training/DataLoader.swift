import Datasets
import TensorCore

/// The training data in batches: a shuffled order per epoch (its own RNG), the position in it, the epoch.
/// Like PyTorch's `DataLoader(shuffle=True, drop_last=False)`: an epoch's last batch may be smaller.
package final class DataLoader {
    package let data: ImageDataset
    /// Epochs planned; `startBatch()` reports the end after the last.
    let epochs: Int
    /// The current epoch, 1-based.
    package var epoch = 1
    /// Images of this epoch already trained on (or skipped).
    var position = 0
    /// This epoch's order of the training images.
    var order: [Int]
    var rng: RandomSource

    package init(data: ImageDataset, epochs: Int, seed: UInt64) {
        self.data = data
        self.epochs = epochs
        rng = RandomSource(seed: seed)
        order = Array(0..<data.count)
        rng.shuffle(&order)
    }

    /// Moves to the next epoch (reshuffled) when this one is used up; false when the last epoch is over.
    package func startBatch() -> Bool {
        guard position >= data.count else { return true }
        guard epoch < epochs else { return false }
        epoch += 1
        position = 0
        rng.shuffle(&order)
        return true
    }

    /// The size of the next batch when `requested` images are asked for (at most what is left of the epoch).
    package func batchSize(_ requested: Int) -> Int { min(requested, data.count - position) }

    /// Copies `count` images of the batch, from its row `first` on, into `dst` (rows of `data.dimension` floats).
    func copy(rows first: Int, count: Int, into dst: UnsafeMutablePointer<Float>) {
        let d = data.dimension
        data.images.withUnsafeBufferPointer { src in
            for r in 0..<count { (dst + r * d).update(from: src.baseAddress! + order[position + first + r] * d, count: d) }
        }
    }

    /// Marks the batch of `count` images as used (trained on or skipped).
    package func advance(by count: Int) { position += count }
}
