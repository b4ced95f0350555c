/// A fixed-size, manually owned array of scalars: allocated once, never resized in a hot loop.
public final class Buffer<T: Real>: @unchecked Sendable {
    /// The base address of the storage.
    public let base: UnsafeMutablePointer<T>
    /// The number of scalars.
    public let count: Int

    /// Allocates `count` zeroed scalars.
    public init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }

    /// Sets every element to zero.
    @inlinable public func zero() { base.update(repeating: 0, count: count) }

    /// The contents as a Swift array (allocates; not for hot loops).
    public var array: [T] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Element access.
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        set { base[i] = newValue }
    }
}
