/// What `f` offers before it forks: asked with y / n, naming the checkpoint and the new run's folder.
public struct ForkOffer: Equatable, Sendable {
    public var at: Int
    public var checkpoint: Int
    public var folder: String
}
