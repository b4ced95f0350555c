/// The planned lr, β1/momentum and β of every step (index t = step t + 1), computed by the wiring from the
/// run's configuration so the screen can draw where the schedules are going.
public struct SchedulePreview: Sendable, Equatable {
    public var lr: [Double]
    public var momentum: [Double]
    public var beta: [Double]
    public init(lr: [Double], momentum: [Double], beta: [Double]) { self.lr = lr; self.momentum = momentum; self.beta = beta }
}
