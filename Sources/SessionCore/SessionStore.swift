/// Receives the result of a store operation, on one of the store's own threads.
public typealias StoreCompletion<Value> = @Sendable (Result<Value, StoreError>) -> Void

/// What a lease asks for.
public struct LeaseRequest: Sendable, Equatable {
    /// How much to add to the use counter.
    public var countUse: Int64 = 1
    /// The cooldown to put on the leased session; nil takes the pool's `next_use_delay`.
    public var nextUseDelay: Period?
    /// Conditions the leased session must meet, besides the pool's own.
    public var filter = LeaseFilter.all

    public init(countUse: Int64 = 1, nextUseDelay: Period? = nil, filter: LeaseFilter = .all) {
        self.countUse = countUse
        self.nextUseDelay = nextUseDelay
        self.filter = filter
    }
}

/// The answer to a lease.
public enum LeaseOutcome: Sendable, Equatable {
    /// This session is now the caller's until its cooldown ends.
    case leased(Session)
    /// No session is eligible; `retryAfter` tells how soon one will be, when one will by itself.
    case unavailable(retryAfter: Period?)
}

/// One page of a listing in `_id` order.
public struct SessionPage: Sendable, Equatable {
    public var sessions: [Session]
    /// The `_id` to pass as `after` for the next page; nil on the last page.
    public var next: String?

    public init(sessions: [Session], next: String?) {
        self.sessions = sessions
        self.next = next
    }
}

/// Figures about one pool at one moment, for monitoring.
public struct PoolStatistics: Sendable, Equatable {
    /// All documents in the pool.
    public var total: Int64 = 0
    /// Active and eligible now.
    public var available: Int64 = 0
    /// Active but held by a cooldown, lock or block.
    public var cooling: Int64 = 0
    /// Switched off with `active: false`.
    public var inactive: Int64 = 0
    /// The sum of the use counters.
    public var countUse: Int64 = 0
    /// The sum of the success counters.
    public var countSuccess: Int64 = 0

    public init() {}
}

/// Where sessions live. Both the embedded and the MongoDB store implement it with the same meaning.
///
/// Every operation is asynchronous: it runs on the store's own bounded threads, never on the
/// caller's, and calls `completion` exactly once from one of them. `id` is the text form of a
/// session id; 24 hexadecimal digits find an ObjectId or a string `_id` of that text.
/// A missing session fails with ``StoreError/Code/notFound``.
public protocol SessionStore: AnyObject, Sendable {
    /// A short name for logs, such as `sqlite:data/broker.sqlite3`.
    var description: String { get }

    /// Creates what the pools need (tables, indexes). Called once at start-up; it BLOCKS.
    func prepare(pools: [PoolConfiguration]) throws(StoreError)

    /// Stores a new session; fails with `duplicateID` when its `_id` is taken.
    func insert(_ session: Session, into pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>)

    func find(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>)

    /// Lists sessions that pass the pool's filter, in `_id` order, after the given id.
    ///
    /// Sessions switched off (`active: false`) are left out unless `includeInactive` is true, as
    /// an export needs them.
    func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        includeInactive: Bool,
        completion: @escaping StoreCompletion<SessionPage>
    )

    func update(
        id: String,
        with update: SessionUpdate,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    )

    func delete(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Void>)

    /// Picks the eligible session used longest ago (never-used first) and stamps it, in one atomic step.
    func lease(_ request: LeaseRequest, in pool: PoolConfiguration, completion: @escaping StoreCompletion<LeaseOutcome>)

    /// Adds to the success counter and, given a delay, holds the session at least that long from now.
    func recordSuccess(
        id: String,
        count: Int64,
        nextUseDelay: Period?,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    )

    /// Holds the session until `now + period`, unless it is already held longer (lock and block).
    func hold(
        id: String,
        for period: Period,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    )

    /// Switches the session on or off for good.
    func setActive(
        _ active: Bool,
        id: String,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    )

    /// Counts sessions that are active and not held now.
    func countAvailable(in pool: PoolConfiguration, completion: @escaping StoreCompletion<Int64>)

    func statistics(in pool: PoolConfiguration, completion: @escaping StoreCompletion<PoolStatistics>)

    /// Succeeds when the store answers, for `/readyz`.
    func checkHealth(completion: @escaping StoreCompletion<Void>)

    /// Finishes queued work and releases the store. Called once at shutdown; it BLOCKS.
    func close()
}

extension SessionStore {
    /// Lists the active sessions that pass the pool's filter, in `_id` order, after the given id.
    public func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        completion: @escaping StoreCompletion<SessionPage>
    ) {
        self.list(in: pool, after: after, limit: limit, includeInactive: false, completion: completion)
    }
}
