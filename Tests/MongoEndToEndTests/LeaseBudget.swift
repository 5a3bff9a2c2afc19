import Synchronization

/// How many leases the workers may still take, shared by all of them.
final class LeaseBudget: Sendable {
    private let remaining: Atomic<Int>

    init(_ leases: Int) {
        self.remaining = Atomic(leases)
    }

    /// Takes one lease from the budget; false when it is spent.
    func take() -> Bool {
        var current = self.remaining.load(ordering: .relaxed)
        while current > 0 {
            let (exchanged, original) = self.remaining.compareExchange(
                expected: current,
                desired: current - 1,
                ordering: .relaxed
            )
            if exchanged {
                return true
            }
            current = original
        }
        return false
    }

    /// Gives back a lease taken from the budget but not obtained.
    func giveBack() {
        self.remaining.add(1, ordering: .relaxed)
    }
}
