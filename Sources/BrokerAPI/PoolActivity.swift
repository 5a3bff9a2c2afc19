/// What workers did to each pool since the process started, counted by the broker itself.
///
/// These counters come from the answers the broker gave, never from stored documents, so they
/// only grow while the process runs; several brokers on one database each count their own.
struct PoolActivity: Sendable {
    /// One kind of answer that is counted, with its family.
    enum Kind: Int, CaseIterable {
        case lease
        case leaseMiss
        case success
        case lock
        case block
        case deactivation
        case activation

        /// The family name, without the broker's prefix.
        var name: String {
            switch self {
            case .lease: "leases_total"
            case .leaseMiss: "lease_misses_total"
            case .success: "successes_total"
            case .lock: "locks_total"
            case .block: "blocks_total"
            case .deactivation: "deactivations_total"
            case .activation: "activations_total"
            }
        }

        var help: String {
            switch self {
            case .lease: "Sessions leased (200 answers to a lease) since the broker started."
            case .leaseMiss: "Leases answered 429 no_session_available since the broker started."
            case .success: "Successes reported (200 answers to .../success) since the broker started."
            case .lock: "Sessions locked (200 answers to .../lock) since the broker started."
            case .block: "Sessions blocked (200 answers to .../block) since the broker started."
            case .deactivation: "Sessions switched off (200 answers to .../deactivate) since the broker started."
            case .activation: "Sessions switched on (200 answers to .../activate) since the broker started."
            }
        }

        /// The kind counted when `route` is answered with `status`, if any.
        init?(route: Route, status: Int) {
            switch (route, status) {
            case (.lease, 200): self = .lease
            case (.lease, 429): self = .leaseMiss
            case (.action(_, _, .success), 200): self = .success
            case (.action(_, _, .lock), 200): self = .lock
            case (.action(_, _, .block), 200): self = .block
            case (.action(_, _, .deactivate), 200): self = .deactivation
            case (.action(_, _, .activate), 200): self = .activation
            default: return nil
            }
        }
    }

    /// The pools in the order of their counters.
    let pools: [String]
    private let indexes: [String: Int]
    private let counters: AtomicCounters

    init(pools: [String]) {
        self.pools = pools
        self.indexes = Dictionary(pools.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.counters = AtomicCounters(count: pools.count * Kind.allCases.count)
    }

    /// The position of `pool` among ``pools``; nil for a pool that is not configured.
    func index(of pool: String) -> Int? {
        self.indexes[pool]
    }

    func record(_ kind: Kind, pool index: Int) {
        self.counters.add(at: index * Kind.allCases.count + kind.rawValue)
    }

    func count(_ kind: Kind, pool index: Int) -> UInt64 {
        self.counters.value(at: index * Kind.allCases.count + kind.rawValue)
    }

    /// Writes one counter family per kind, one sample per pool.
    func write(to text: inout PrometheusText, prefix: String) {
        for kind in Kind.allCases {
            let name = prefix + kind.name
            text.family(name, .counter, help: kind.help)
            for (index, pool) in self.pools.enumerated() {
                text.sample(name, [("pool", pool)], self.count(kind, pool: index))
            }
        }
    }
}
