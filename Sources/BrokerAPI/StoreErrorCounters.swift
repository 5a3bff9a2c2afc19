import SessionCore

/// Failures the store reported to the API, by kind (``StoreError/Code``).
struct StoreErrorCounters: Sendable {
    /// Every kind, in the order of the samples; an unknown kind counts as `internal`.
    static let kinds: [StoreError.Code] = [
        .notFound, .duplicateID, .invalidInput, .unavailable, .misconfigured, .internal,
    ]

    private let counters = AtomicCounters(count: kinds.count)

    func record(_ code: StoreError.Code) {
        let index = Self.kinds.firstIndex(of: code) ?? Self.kinds.count - 1
        self.counters.add(at: index)
    }

    func count(_ code: StoreError.Code) -> UInt64 {
        Self.kinds.firstIndex(of: code).map { self.counters.value(at: $0) } ?? 0
    }

    func write(to text: inout PrometheusText, prefix: String) {
        let name = prefix + "store_errors_total"
        text.family(name, .counter, help: "Store operations that failed, by kind of failure.")
        for (index, kind) in Self.kinds.enumerated() {
            text.sample(name, [("kind", kind.description)], self.counters.value(at: index))
        }
    }
}
