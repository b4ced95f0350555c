/// A step record's VAE-GAN part, held out of line (`StepMetrics.gan`): immutable, compared by value.
final class GANBox: Sendable, Equatable {
    let value: GANStepMetrics
    init(_ value: GANStepMetrics) { self.value = value }
    static func == (a: GANBox, b: GANBox) -> Bool { a.value == b.value }
}
