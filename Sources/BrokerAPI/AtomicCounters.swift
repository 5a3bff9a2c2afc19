import Synchronization

/// A fixed number of counters that any thread may add to without a lock.
///
/// The storage is allocated once and never moves, which is what `Atomic` needs; each counter is
/// a relaxed atomic add, so the request path pays no more than one locked instruction a count.
final class AtomicCounters: @unchecked Sendable {
    private let cells: UnsafeMutablePointer<Atomic<UInt64>>
    /// How many counters there are; valid indexes are `0..<count`.
    let count: Int

    init(count: Int) {
        self.count = count
        self.cells = .allocate(capacity: max(count, 1))
        for index in 0..<count {
            (self.cells + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        self.cells.deinitialize(count: self.count)
        self.cells.deallocate()
    }

    /// Adds `amount` to counter `index`; the counter wraps rather than traps at `UInt64.max`.
    @inline(__always)
    func add(_ amount: UInt64 = 1, at index: Int) {
        precondition(index >= 0 && index < self.count, "counter index out of range")
        self.cells[index].wrappingAdd(amount, ordering: .relaxed)
    }

    /// The current value of counter `index`.
    func value(at index: Int) -> UInt64 {
        precondition(index >= 0 && index < self.count, "counter index out of range")
        return self.cells[index].load(ordering: .relaxed)
    }
}
