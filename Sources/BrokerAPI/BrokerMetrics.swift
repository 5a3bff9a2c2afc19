import HTTPServer
import SessionCore

/// Everything `/stats` reports: counters the broker keeps as it answers, the pools' figures from
/// the store (kept for ``StatisticsCache/lifetime``), and figures of the process.
///
/// Every series is set up here, once, with labels from fixed sets: route templates, statuses,
/// configured pools and store error kinds. Counting costs a relaxed atomic add, without a lock.
final class BrokerMetrics: Sendable {
    /// The prefix of every family name.
    static let prefix = "session_broker_"

    let requests = RequestMetrics()
    let activity: PoolActivity
    let storeErrors = StoreErrorCounters()
    let statistics: StatisticsCache

    /// - Parameters:
    ///   - pools: the configured pools' names.
    ///   - statisticsLifetime: how long the store's figures are served before it is asked again.
    init(pools: [String], statisticsLifetime: Duration) {
        self.activity = PoolActivity(pools: pools.sorted())
        self.statistics = StatisticsCache(lifetime: statisticsLifetime)
    }

    /// The pools in the order of their figures.
    var pools: [String] {
        self.activity.pools
    }

    /// A responder that counts the answer to a request on `route` (nil: a path the API does not
    /// have) and the time since now, before passing the answer on to `responder`.
    func observe(_ route: Route?, responder: HTTPResponder) -> HTTPResponder {
        let start = ContinuousClock.now
        let template = RouteTemplate(route)
        let counted = route.flatMap { route in self.countedPool(of: route).map { (route: route, pool: $0) } }

        return HTTPResponder { [self] response in
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            let nanoseconds = UInt64(max(seconds, 0)) &* 1_000_000_000 &+ UInt64(max(attoseconds, 0) / 1_000_000_000)
            self.requests.record(template, status: response.status, nanoseconds: nanoseconds)
            if let counted, let kind = PoolActivity.Kind(route: counted.route, status: response.status) {
                self.activity.record(kind, pool: counted.pool)
            }
            responder.respond(response)
        }
    }

    /// The pool whose activity an answer on `route` may count: that of a lease or of an action.
    private func countedPool(of route: Route) -> Int? {
        switch route {
        case .lease(let pool), .action(let pool, _, _):
            self.activity.index(of: pool ?? PoolConfiguration.default.name)
        default:
            nil
        }
    }

    /// The whole exposition, with the pools' figures when the store gave them.
    func exposition(_ figures: StatisticsCache.Figures, process: ProcessFigures = .read()) -> PrometheusText {
        var text = PrometheusText()
        let prefix = Self.prefix
        var storeUp = 0.0
        if case .success(let statistics) = figures {
            storeUp = 1
            self.writePools(statistics, to: &text)
        }
        text.single(
            prefix + "store_up",
            .gauge,
            help: "1 when this answer has the pool figures from the store, 0 when the store failed to give them.",
            storeUp
        )
        self.activity.write(to: &text, prefix: prefix)
        self.requests.write(to: &text, prefix: prefix)
        self.storeErrors.write(to: &text, prefix: prefix)
        process.write(to: &text, prefix: prefix)
        return text
    }

    private func writePools(_ statistics: [PoolStatistics], to text: inout PrometheusText) {
        let sessions = Self.prefix + "pool_sessions"
        text.family(sessions, .gauge, help: "Sessions in each pool by state, as the store last reported them.")
        for (pool, figures) in zip(self.pools, statistics) {
            text.sample(sessions, [("pool", pool), ("state", "available")], figures.available)
            text.sample(sessions, [("pool", pool), ("state", "cooling")], figures.cooling)
            text.sample(sessions, [("pool", pool), ("state", "inactive")], figures.inactive)
        }

        let uses = Self.prefix + "pool_stored_uses"
        text.family(uses, .gauge, help: "The sum of the use counters stored in each pool's sessions.")
        for (pool, figures) in zip(self.pools, statistics) {
            text.sample(uses, [("pool", pool)], figures.countUse)
        }

        let successes = Self.prefix + "pool_stored_successes"
        text.family(successes, .gauge, help: "The sum of the success counters stored in each pool's sessions.")
        for (pool, figures) in zip(self.pools, statistics) {
            text.sample(successes, [("pool", pool)], figures.countSuccess)
        }
    }
}
