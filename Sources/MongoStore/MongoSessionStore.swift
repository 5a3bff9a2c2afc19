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
    let unparker = Unparker()
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

    /// Ends the threads once queued operations are answered (which pushes every client back),
    /// then destroys the client pool. ``MongoDriver/cleanUp()`` is for the end of the process.
    public func close() {
        self.workers.close()
        self.connections.destroy()
    }

    /// Queues `body` for a worker thread, with a client and `pool`'s collection, and answers `completion`.
    func submit<Value: Sendable>(
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
