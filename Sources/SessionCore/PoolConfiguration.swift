/// The names of the fields the broker manages, per pool, so that existing collections keep theirs.
public struct PoolFields: Sendable, Equatable {
    public var session = "session"
    public var active = "active"
    public var lastUse = "last_use"
    public var nextUse = "next_use"
    public var countUse = "count_use"
    public var countSuccess = "count_success"

    public init() {}

    /// Every managed name except `session`, which holds the payload and is not managed.
    public var managed: [String] {
        [self.active, self.lastUse, self.nextUse, self.countUse, self.countSuccess]
    }
}

/// One pool of sessions: where it is stored, its field names, its periods and its filters.
public struct PoolConfiguration: Sendable, Equatable {
    /// The name clients use in `/pools/{pool}/...`.
    public var name: String
    /// The MongoDB collection or SQLite table holding the pool.
    public var collection: String
    public var fields = PoolFields()
    /// The default hold of `lock`: 15 minutes.
    public var lockTime = Period.minutes(15)
    /// The default hold of `block`: 24 hours.
    public var blockTime = Period.hours(24)
    /// The cooldown a lease puts on a session: 3 seconds.
    public var nextUseDelay = Period.seconds(3)
    /// Conditions every listed or leased session must meet, besides being active.
    public var filter = LeaseFilter.all
    /// The top-level fields returned to clients, besides `_id`; nil returns the whole document.
    public var projection: [String]?

    public init(name: String, collection: String) {
        self.name = name
        self.collection = collection
    }

    /// The pool every broker serves unless configured otherwise: `default` on `sessions`.
    public static let `default` = PoolConfiguration(name: "default", collection: "sessions")
}
