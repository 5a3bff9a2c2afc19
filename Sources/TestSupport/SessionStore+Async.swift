import SessionCore

/// Awaitable forms of the store's operations, for tests.
extension SessionStore {
    public func insert(_ session: Session, into pool: PoolConfiguration) async throws(StoreError) -> Session {
        try await Self.awaiting { self.insert(session, into: pool, completion: $0) }
    }

    public func find(id: String, in pool: PoolConfiguration) async throws(StoreError) -> Session {
        try await Self.awaiting { self.find(id: id, in: pool, completion: $0) }
    }

    public func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        includeInactive: Bool = false
    ) async throws(StoreError) -> SessionPage {
        try await Self.awaiting {
            self.list(in: pool, after: after, limit: limit, includeInactive: includeInactive, completion: $0)
        }
    }

    public func update(
        id: String,
        with update: SessionUpdate,
        in pool: PoolConfiguration
    ) async throws(StoreError)
        -> Session
    {
        try await Self.awaiting { self.update(id: id, with: update, in: pool, completion: $0) }
    }

    public func delete(id: String, in pool: PoolConfiguration) async throws(StoreError) {
        try await Self.awaiting { self.delete(id: id, in: pool, completion: $0) }
    }

    public func lease(
        _ request: LeaseRequest = LeaseRequest(),
        in pool: PoolConfiguration
    ) async throws(StoreError)
        -> LeaseOutcome
    {
        try await Self.awaiting { self.lease(request, in: pool, completion: $0) }
    }

    public func recordSuccess(
        id: String,
        count: Int64 = 1,
        nextUseDelay: Period? = nil,
        in pool: PoolConfiguration
    )
        async throws(StoreError) -> Session
    {
        try await Self.awaiting {
            self.recordSuccess(id: id, count: count, nextUseDelay: nextUseDelay, in: pool, completion: $0)
        }
    }

    public func hold(id: String, for period: Period, in pool: PoolConfiguration) async throws(StoreError) -> Session {
        try await Self.awaiting { self.hold(id: id, for: period, in: pool, completion: $0) }
    }

    public func setActive(_ active: Bool, id: String, in pool: PoolConfiguration) async throws(StoreError) -> Session {
        try await Self.awaiting { self.setActive(active, id: id, in: pool, completion: $0) }
    }

    public func countAvailable(in pool: PoolConfiguration) async throws(StoreError) -> Int64 {
        try await Self.awaiting { self.countAvailable(in: pool, completion: $0) }
    }

    public func statistics(in pool: PoolConfiguration) async throws(StoreError) -> PoolStatistics {
        try await Self.awaiting { self.statistics(in: pool, completion: $0) }
    }

    private static func awaiting<Value: Sendable>(
        _ start: (@escaping StoreCompletion<Value>) -> Void
    ) async throws(StoreError) -> Value {
        let result: Result<Value, StoreError> = await withCheckedContinuation { continuation in
            start { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}

extension LeaseOutcome {
    /// The leased session, or nil when none was available.
    public var session: Session? {
        if case .leased(let session) = self {
            return session
        }
        return nil
    }
}
