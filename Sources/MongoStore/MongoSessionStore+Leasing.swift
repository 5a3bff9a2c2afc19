import SessionCore

extension MongoSessionStore {
    public func lease(
        _ request: LeaseRequest,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<LeaseOutcome>
    ) {
        let queries = MongoQueries(names: pool.fields)
        let filter = pool.filter.combined(with: request.filter)
        let update = queries.lease(count: request.countUse, delay: request.nextUseDelay ?? pool.nextUseDelay)
        self.submit(pool, "lease", completion: completion) { collection throws(StoreError) in
            try self.unparker.beforeLease(in: collection, queries: queries)
            let attempt = { () throws(StoreError) -> Session? in
                let leased = try collection.findAndModify(
                    query: queries.ready(filter),
                    sort: queries.leaseOrder,
                    update: update,
                    operation: "lease"
                )
                return leased.map { Session(bson: $0, names: pool.fields) }
            }
            let release = { () throws(StoreError) -> Int64? in
                let found = try collection.aggregate(
                    queries.earliestRelease(filter, now: Timestamp.now()),
                    operation: "find the next release"
                )
                return found.first?.first { $0.key == "wait" }?.value.counter
            }
            if let leased = try attempt() {
                return .leased(leased)
            }

            // Nothing is eligible: say how soon a held session will be, if one will by itself. A
            // parking that no longer stands for a hold is lifted first, and then the lease retried.
            var wait = try release()
            let freeByTime = wait.map { $0 <= 0 } ?? false
            if try self.unparker.afterMiss(in: collection, queries: queries, freeByTime: freeByTime) {
                if let leased = try attempt() {
                    return .leased(leased)
                }
                wait = try release()
            }
            return .unavailable(
                retryAfter: wait.map { Period(milliseconds: min(max(0, $0), Period.maximum.milliseconds)) }
            )
        }
    }

    public func recordSuccess(
        id: String,
        count: Int64,
        nextUseDelay: Period?,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        let update = MongoQueries(names: pool.fields).extendHold(count: count, delay: nextUseDelay)
        self.modify(id: id, in: pool, "record a success", update: update, completion: completion)
    }

    public func hold(
        id: String,
        for period: Period,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        let update = MongoQueries(names: pool.fields).extendHold(count: 0, delay: period)
        self.modify(id: id, in: pool, "hold", update: update, completion: completion)
    }

    public func setActive(
        _ active: Bool,
        id: String,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        let update = MongoQueries(names: pool.fields).activation(active)
        self.modify(id: id, in: pool, "switch a session", update: update, completion: completion)
    }
}
