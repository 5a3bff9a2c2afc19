import CMongoC
import Dispatch
import Logging
import SessionCore
import Synchronization

/// The production store: every pool is a collection in one MongoDB database, read and written
/// through libmongoc, so that any number of brokers can serve the same pools.
///
/// Operations run on a fixed set of threads (``BlockingWorkers``), each popping a client from the
/// one client pool for the length of one operation. Every change is one atomic server command,
/// and every time the store writes or compares is the server's (`$$NOW`).
public final class MongoSessionStore: SessionStore {
    public let description: String
    private let configuration: MongoStoreConfiguration
    private let connections: MongoConnections
    private let workers: BlockingWorkers
    private let gate = OutageGate()
    private let unparker = Unparker()
    /// The longest an operation waits in the queue before it fails as unavailable.
    private let queueLimit: Duration
    private let logger: Logger

    /// Creates the client pool; no server is contacted until the first operation.
    ///
    /// - Throws: ``StoreError`` (`misconfigured`) for a URL libmongoc does not accept.
    public init(
        configuration: MongoStoreConfiguration,
        logger: Logger = Logger(label: "store.mongo")
    ) throws(StoreError) {
        guard MongoDriver.initialise() else {
            throw StoreError(.misconfigured, "the MongoDB driver has been cleaned up in this process")
        }
        self.configuration = configuration
        self.queueLimit = .milliseconds(configuration.serverSelectionTimeoutMilliseconds)
        self.connections = try MongoConnections(configuration)
        self.description = "mongodb:\(self.connections.database)"
        self.logger = logger
        self.workers = BlockingWorkers(count: min(self.connections.clientLimit, 256), name: "mongo-store")
    }

    public func prepare(pools: [PoolConfiguration]) throws(StoreError) {
        guard self.configuration.createIndexes else {
            return
        }
        for pool in pools {
            try self.runAndWait(pool, "create indexes") { collection throws(StoreError) in
                try self.createIndexes(in: collection, names: pool.fields)
            }
        }
    }

    /// Creates the lease's index (see ``MongoQueries``) and the index on `next_use` that finds the
    /// next release. An index over the same keys under another name serves as well.
    private func createIndexes(in collection: MongoCollection, names: PoolFields) throws(StoreError) {
        let queries = MongoQueries(names: names)
        for (name, keys) in [("broker_lease", queries.leaseOrder), ("broker_release", queries.releaseOrder)] {
            let index: BSONValue = ["key": keys, "name": .string(name)]
            let command: BSONValue = ["createIndexes": .string(collection.name), "indexes": [index]]
            do {
                _ = try collection.writeCommand(command, operation: "create the index \(name)")
            } catch  where error.rawCode == 85 {
                self.logger.info("index exists under another name", ["collection": collection.name, "index": name])
            }
        }
    }

    public func insert(_ session: Session, into pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>)
    {
        self.submit(pool, "insert", completion: completion) { collection throws(StoreError) in
            guard session.fields[MongoQueries.parkedField] == nil else {
                throw MongoQueries.reservedFieldError
            }
            try collection.insert(session.bson(names: pool.fields), operation: "insert")
            return session
        }
    }

    public func find(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>) {
        self.submit(pool, "find", completion: completion) { collection throws(StoreError) in
            let found = try collection.find(
                MongoQueries.byID(id),
                sort: MongoQueries.idOrder,
                limit: 1,
                operation: "find"
            )
            guard let document = found.first else {
                throw StoreError(.notFound, "no session \(id)")
            }
            return Session(bson: document, names: pool.fields)
        }
    }

    public func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        completion: @escaping StoreCompletion<SessionPage>
    ) {
        let queries = MongoQueries(names: pool.fields)
        self.submit(pool, "list", completion: completion) { collection throws(StoreError) in
            var page: [BSONMember] = []
            if let after {
                page.append(try Self.idsAfter(after, in: collection))
            }
            let filter = queries.active(pool.filter, and: page)
            let documents = try collection.find(filter, sort: MongoQueries.idOrder, limit: limit + 1, operation: "list")
            var sessions = documents.map { Session(bson: $0, names: pool.fields) }

            // One document more than asked tells whether another page follows.
            guard sessions.count > limit else {
                return SessionPage(sessions: sessions, next: nil)
            }
            sessions.removeLast()
            return SessionPage(sessions: sessions, next: sessions.last?.id.text)
        }
    }

    /// The condition on `_id` for the page after `text`.
    ///
    /// MongoDB sorts every string `_id` before every ObjectId, and `$gt` compares within one type,
    /// so after an ObjectId only later ObjectIds follow, and after a string the later strings and
    /// then every ObjectId. 24 hexadecimal digits stand for an ObjectId unless the collection holds
    /// a string `_id` of that text, as a page that ended on one would have.
    private static func idsAfter(_ text: String, in collection: MongoCollection) throws(StoreError) -> BSONMember {
        if let objectID = ObjectID(hex: text) {
            let stringExists = try collection.find(
                ["_id": .string(text)],
                sort: MongoQueries.idOrder,
                limit: 1,
                projection: ["_id": 1],
                operation: "find where the page ends"
            )
            if stringExists.isEmpty {
                return BSONMember("_id", ["$gt": .objectID(objectID)])
            }
        }
        return BSONMember("$or", [["_id": ["$gt": .string(text)]], ["_id": ["$type": "objectId"]]])
    }

    public func update(
        id: String,
        with update: SessionUpdate,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        let document: Result<BSONValue, StoreError>
        if update.set.contains(where: { $0.path.root == MongoQueries.parkedField })
            || update.unset.contains(where: { $0.root == MongoQueries.parkedField })
        {
            document = .failure(MongoQueries.reservedFieldError)
        } else {
            do throws(InputError) {
                document = .success(try MongoUpdate(update, names: pool.fields).document)
            } catch {
                document = .failure(StoreError(.invalidInput, error.message))
            }
        }
        self.submit(pool, "update", completion: completion) { collection throws(StoreError) in
            try self.change(id: id, in: collection, names: pool.fields, update: document.get(), operation: "update")
        }
    }

    public func delete(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Void>) {
        self.submit(pool, "delete", completion: completion) { collection throws(StoreError) in
            let removed = try collection.findAndModify(
                query: MongoQueries.byID(id),
                sort: MongoQueries.idOrder,
                operation: "delete"
            )
            guard removed != nil else {
                throw StoreError(.notFound, "no session \(id)")
            }
        }
    }

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

    /// Ends the threads once queued operations are answered (which pushes every client back),
    /// then destroys the client pool. ``MongoDriver/cleanUp()`` is for the end of the process.
    public func close() {
        self.workers.close()
        self.connections.destroy()
    }

    /// Changes the document `id` names with one `findAndModify` and returns it as changed; with no
    /// `update`, returns it as it is.
    private func modify(
        id: String,
        in pool: PoolConfiguration,
        _ operation: String,
        update: BSONValue?,
        completion: @escaping StoreCompletion<Session>
    ) {
        guard let update else {
            self.find(id: id, in: pool, completion: completion)
            return
        }
        self.submit(pool, operation, completion: completion) { collection throws(StoreError) in
            try self.change(id: id, in: collection, names: pool.fields, update: update, operation: operation)
        }
    }

    /// Applies `update` to the document `id` names with one `findAndModify`; returns it as changed.
    private func change(
        id: String,
        in collection: MongoCollection,
        names: PoolFields,
        update: BSONValue,
        operation: String
    ) throws(StoreError) -> Session {
        let changed = try collection.findAndModify(
            query: MongoQueries.byID(id),
            sort: MongoQueries.idOrder,
            update: update,
            operation: operation
        )
        guard let changed else {
            throw StoreError(.notFound, "no session \(id)")
        }
        return Session(bson: changed, names: names)
    }

    /// Queues `body` for a worker thread, with a client and `pool`'s collection, and answers `completion`.
    private func submit<Value: Sendable>(
        _ pool: PoolConfiguration?,
        _ operation: String,
        completion: @escaping StoreCompletion<Value>,
        _ body: @escaping @Sendable (MongoCollection) throws(StoreError) -> Value
    ) {
        let queued = ContinuousClock.now
        let accepted = self.workers.submit { [self] in
            // Behind a slow or hung server the queue grows; a request that has waited as long as
            // a server selection may take is answered now rather than after the ones before it.
            guard ContinuousClock.now - queued < self.queueLimit else {
                completion(.failure(StoreError(.unavailable, "\(operation): waited too long for a MongoDB connection")))
                return
            }
            completion(self.perform(pool, operation, body))
        }
        if !accepted {
            completion(.failure(StoreError(.unavailable, "\(operation): the store is closing")))
        }
    }

    /// Runs `body` on a worker thread and waits for it. For start-up work; it BLOCKS the caller.
    private func runAndWait<Value: Sendable>(
        _ pool: PoolConfiguration?,
        _ operation: String,
        _ body: @escaping @Sendable (MongoCollection) throws(StoreError) -> Value
    ) throws(StoreError) -> Value {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Value, StoreError>?>(nil)
        self.submit(pool, operation) { result in
            outcome.withLock { $0 = result }
            done.signal()
        } _: { collection throws(StoreError) in
            try body(collection)
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Runs one operation through the outage gate on a client of its own.
    private func perform<Value>(
        _ pool: PoolConfiguration?,
        _ operation: String,
        _ body: (MongoCollection) throws(StoreError) -> Value
    ) -> Result<Value, StoreError> {
        guard self.gate.admit() != .refuse else {
            return .failure(StoreError(.unavailable, "\(operation): MongoDB was unreachable a moment ago"))
        }
        let result = Result { () throws(StoreError) -> Value in
            try self.connections.withClient { client throws(StoreError) in
                let collection = MongoCollection(
                    client: client,
                    database: self.connections.database,
                    name: pool?.collection ?? ""
                )
                return try body(collection)
            }
        }
        let unreachable: StoreError? =
            if case .failure(let error) = result, error.isUnreachable { error } else { nil }
        switch self.gate.finish(reachable: unreachable == nil) {
        case .wentDown?:
            self.logger.warning("store unreachable", ["operation": operation, "error": "\(unreachable!)"])
        case .cameBack?:
            self.logger.notice("store reachable again", ["operation": operation])
        case nil:
            break
        }
        return result
    }
}
