import SessionCore
import Synchronization

/// A store that passes everything to another one, counting the calls to `statistics` and, when told
/// to, failing them as an unreachable store would.
final class CountingStore: SessionStore {
    private let inner: any SessionStore
    private let statisticsCalls = Atomic<Int>(0)
    private let failing = Atomic<Bool>(false)

    init(_ inner: any SessionStore) {
        self.inner = inner
    }

    /// How many times `statistics` was called.
    var statisticsCount: Int {
        self.statisticsCalls.load(ordering: .relaxed)
    }

    /// Makes `statistics` fail with `unavailable` from now on, or work again.
    func failStatistics(_ fail: Bool) {
        self.failing.store(fail, ordering: .relaxed)
    }

    var description: String {
        "counting:\(self.inner.description)"
    }

    func prepare(pools: [PoolConfiguration]) throws(StoreError) {
        try self.inner.prepare(pools: pools)
    }

    func statistics(in pool: PoolConfiguration, completion: @escaping StoreCompletion<PoolStatistics>) {
        self.statisticsCalls.add(1, ordering: .relaxed)
        guard !self.failing.load(ordering: .relaxed) else {
            completion(.failure(StoreError(.unavailable, "the test store is down")))
            return
        }
        self.inner.statistics(in: pool, completion: completion)
    }

    func insert(_ session: Session, into pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>) {
        self.inner.insert(session, into: pool, completion: completion)
    }

    func find(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>) {
        self.inner.find(id: id, in: pool, completion: completion)
    }

    func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        includeInactive: Bool,
        completion: @escaping StoreCompletion<SessionPage>
    ) {
        self.inner.list(in: pool, after: after, limit: limit, includeInactive: includeInactive, completion: completion)
    }

    func update(
        id: String,
        with update: SessionUpdate,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.inner.update(id: id, with: update, in: pool, completion: completion)
    }

    func delete(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Void>) {
        self.inner.delete(id: id, in: pool, completion: completion)
    }

    func lease(_ request: LeaseRequest, in pool: PoolConfiguration, completion: @escaping StoreCompletion<LeaseOutcome>)
    {
        self.inner.lease(request, in: pool, completion: completion)
    }

    func recordSuccess(
        id: String,
        count: Int64,
        nextUseDelay: Period?,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.inner.recordSuccess(id: id, count: count, nextUseDelay: nextUseDelay, in: pool, completion: completion)
    }

    func hold(
        id: String,
        for period: Period,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.inner.hold(id: id, for: period, in: pool, completion: completion)
    }

    func setActive(
        _ active: Bool,
        id: String,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.inner.setActive(active, id: id, in: pool, completion: completion)
    }

    func countAvailable(in pool: PoolConfiguration, completion: @escaping StoreCompletion<Int64>) {
        self.inner.countAvailable(in: pool, completion: completion)
    }

    func checkHealth(completion: @escaping StoreCompletion<Void>) {
        self.inner.checkHealth(completion: completion)
    }

    func close() {
        self.inner.close()
    }
}
