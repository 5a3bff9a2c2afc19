import SessionCore

extension MongoSessionStore {
    public func countAvailable(in pool: PoolConfiguration, completion: @escaping StoreCompletion<Int64>) {
        let queries = MongoQueries(names: pool.fields)
        let match = queries.active(pool.filter, and: [BSONMember("$expr", queries.eligible)])
        self.submit(pool, "count", completion: completion) { collection throws(StoreError) in
            let counted = try collection.aggregate([["$match": match], ["$count": "n"]], operation: "count")
            return counted.first?.first?.value.counter ?? 0
        }
    }

    public func statistics(in pool: PoolConfiguration, completion: @escaping StoreCompletion<PoolStatistics>) {
        let pipeline = MongoQueries(names: pool.fields).statistics(pool.filter)
        self.submit(pool, "statistics", completion: completion) { collection throws(StoreError) in
            let totals = try collection.aggregate(pipeline, operation: "statistics").first ?? []
            // A sum is a long, or a double (fractional counters, or longs past 2^63), or a decimal
            // (decimal counters), read as its digits; it is reported whole, saturating.
            func value(_ key: String) -> Int64 {
                switch totals.first(where: { $0.key == key })?.value {
                case .double(let sum)?: Int64(clamping: sum)
                case .string(let digits)?: Double(digits).map { Int64(clamping: $0) } ?? 0
                case let other?: other.counter ?? 0
                case nil: 0
                }
            }
            var statistics = PoolStatistics()
            statistics.total = value("total")
            statistics.inactive = value("inactive")
            statistics.available = value("available")
            statistics.cooling = statistics.total - statistics.inactive - statistics.available
            statistics.countUse = value("count_use")
            statistics.countSuccess = value("count_success")
            return statistics
        }
    }

    public func checkHealth(completion: @escaping StoreCompletion<Void>) {
        self.submit(nil, "ping", completion: completion) { collection throws(StoreError) in
            _ = try collection.readCommand(["ping": 1], database: "admin", operation: "ping")
        }
    }
}
