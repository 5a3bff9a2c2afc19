import Foundation
import SessionCore
import TestSupport

@testable import MongoStore

/// A MongoDB store on a database of its own on the test server, with raw access to its collections
/// for writing documents the way other programs do and reading back exactly what is stored.
final class MongoFixture {
    let store: MongoSessionStore
    let database: String
    private let connections: MongoConnections

    init(pools: [PoolConfiguration], configure: (inout MongoStoreConfiguration) -> Void = { _ in }) throws {
        let server = try MongoTestServer.shared()
        self.database = MongoTestServer.uniqueDatabaseName("mongo")
        var configuration = MongoStoreConfiguration(url: server.url(database: self.database))
        configuration.maximumConnections = 4
        configure(&configuration)
        self.store = try MongoSessionStore(configuration: configuration)
        self.connections = try MongoConnections(configuration)
        try self.store.prepare(pools: pools)
    }

    deinit {
        self.store.close()
        self.connections.destroy()
    }

    /// Inserts `document` as it is, bypassing every rule of the broker.
    func insertRaw(_ document: BSONValue, into collection: String) throws {
        try self.withCollection(collection) { collection throws(StoreError) in
            try collection.insert(document.members, operation: "raw insert")
        }
    }

    /// Applies the update document `update` to the document `id`, as another program would.
    func updateRaw(_ id: BSONValue, _ update: BSONValue, in collection: String) throws {
        _ = try self.withCollection(collection) { collection throws(StoreError) in
            try collection.updateMany(["_id": id], update: update, operation: "raw update")
        }
    }

    /// The stored document whose `_id` is `id`, every field as stored.
    func rawDocument(_ id: BSONValue, in collection: String) throws -> [BSONMember]? {
        try self.withCollection(collection) { collection throws(StoreError) in
            try collection.find(["_id": id], sort: ["_id": 1], limit: 1, operation: "raw find").first
        }
    }

    /// The server's `explain` of `command` with execution statistics.
    func explain(_ command: BSONValue, in collection: String) throws -> [BSONMember] {
        try self.withCollection(collection) { collection throws(StoreError) in
            try collection.readCommand(
                ["explain": command, "verbosity": "executionStats"],
                database: self.database,
                operation: "explain"
            )
        }
    }

    /// The names of the indexes on `collection`.
    func indexNames(of collection: String) throws -> [String] {
        try self.withCollection(collection) { collection throws(StoreError) in
            let reply = try collection.readCommand(
                ["listIndexes": .string(collection.name)],
                database: self.database,
                operation: "list indexes"
            )
            let cursor = reply.first { $0.key == "cursor" }?.value.members ?? []
            guard case .array(let batch)? = cursor.first(where: { $0.key == "firstBatch" })?.value else {
                return []
            }
            return batch.compactMap { index in
                guard case .string(let name)? = index.members.first(where: { $0.key == "name" })?.value else {
                    return nil
                }
                return name
            }
        }
    }

    private func withCollection<Result>(
        _ name: String,
        _ body: (MongoCollection) throws(StoreError) -> Result
    ) throws -> Result {
        try self.connections.withClient { client throws(StoreError) in
            try body(MongoCollection(client: client, database: self.connections.database, name: name))
        }
    }
}

extension [BSONMember] {
    /// The value of the member `key`, or nil when there is none.
    subscript(key: String) -> BSONValue? {
        self.first { $0.key == key }?.value
    }
}

/// A pool on a collection named after the test, so that tests never share documents.
func testPool(_ name: String, configure: (inout PoolConfiguration) -> Void = { _ in }) -> PoolConfiguration {
    var pool = PoolConfiguration(name: name, collection: name)
    configure(&pool)
    return pool
}
