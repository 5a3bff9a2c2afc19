import MongoStore
import SQLiteStore
import SessionCore
import TestSupport
import Testing

/// The stores the contract runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case mongo

    var testDescription: String {
        self.rawValue
    }
}

/// Opens a store of `kind` on the real clock of its backend, with `pools` prepared.
///
/// The MongoDB store takes its time from the server, so no test may depend on a clock it controls.
func makeStore(_ kind: StoreKind, pools: [PoolConfiguration]) throws -> StoreHandle {
    let store: any SessionStore
    switch kind {
    case .sqlite:
        store = try SQLiteSessionStore(path: ":memory:")
    case .mongo:
        let database = MongoTestServer.uniqueDatabaseName("contract")
        var configuration = MongoStoreConfiguration(url: try MongoTestServer.shared().url(database: database))
        configuration.maximumConnections = 4
        store = try MongoSessionStore(configuration: configuration)
    }

    let handle = StoreHandle(store)
    try store.prepare(pools: pools)
    return handle
}

/// Runs `body` with a store of `kind` on which `pools` are prepared, and closes the store after.
func withStore(
    _ kind: StoreKind,
    _ pools: PoolConfiguration...,
    body: (any SessionStore) async throws -> Void
) async throws {
    let handle = try makeStore(kind, pools: pools)
    defer { handle.close() }
    try await body(handle.store)
}
