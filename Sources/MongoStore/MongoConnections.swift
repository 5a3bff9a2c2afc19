import CMongoC
import SessionCore
import Synchronization

/// The store's one `mongoc_client_pool_t`: configured before the first client is popped, and
/// destroyed only after every client has come back.
final class MongoConnections: @unchecked Sendable {
    // The pool is thread-safe except for its destruction, which ``destroy()`` does once, last.
    private let pool: OpaquePointer
    /// The database the pools' collections live in.
    let database: String
    /// How many clients the pool hands out at once (`maxPoolSize`), so how many threads may use it.
    let clientLimit: Int
    private let destroyed = Mutex(false)

    /// Creates the pool for `configuration`; no server is contacted yet.
    ///
    /// - Throws: ``StoreError`` (`misconfigured`) for a URL libmongoc does not accept.
    init(_ configuration: MongoStoreConfiguration) throws(StoreError) {
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(configuration.url, &error) else {
            let reason = StoreError(mongo: error, operation: "not a MongoDB connection string").message
            throw StoreError(.misconfigured, reason)
        }
        defer { mongoc_uri_destroy(uri) }

        let defaults: [(String, Int32)] = [
            (MONGOC_URI_SERVERSELECTIONTIMEOUTMS, configuration.serverSelectionTimeoutMilliseconds),
            (MONGOC_URI_SOCKETTIMEOUTMS, configuration.socketTimeoutMilliseconds),
            (MONGOC_URI_CONNECTTIMEOUTMS, configuration.connectTimeoutMilliseconds),
            (MONGOC_URI_MAXPOOLSIZE, Int32(configuration.maximumConnections)),
        ]
        for (option, value) in defaults where !mongoc_uri_has_option(uri, option) {
            mongoc_uri_set_option_as_int32(uri, option, value)
        }
        self.clientLimit = Int(max(1, mongoc_uri_get_option_as_int32(uri, MONGOC_URI_MAXPOOLSIZE, 100)))

        // An acknowledged write must survive a failover, so writes wait for a majority unless
        // the URL says otherwise.
        if !mongoc_uri_has_option(uri, MONGOC_URI_W) {
            let majority = mongoc_write_concern_new()
            mongoc_write_concern_set_w(majority, MONGOC_WRITE_CONCERN_W_MAJORITY)
            mongoc_uri_set_write_concern(uri, majority)
            mongoc_write_concern_destroy(majority)
        }
        self.database =
            configuration.database ?? mongoc_uri_get_database(uri).map { String(cString: $0) } ?? "broker"

        guard let pool = mongoc_client_pool_new_with_error(uri, &error) else {
            throw StoreError(
                .misconfigured,
                StoreError(mongo: error, operation: "cannot create the client pool").message
            )
        }
        let named = mongoc_uri_get_appname(uri) != nil || mongoc_client_pool_set_appname(pool, configuration.appName)
        guard mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2)), named else {
            mongoc_client_pool_destroy(pool)
            throw StoreError(.misconfigured, "cannot configure the client pool")
        }
        self.pool = pool
    }

    /// Pops a client, runs `body` with it, and pushes it back on every path. It BLOCKS on the network.
    func withClient<Result>(_ body: (OpaquePointer) throws(StoreError) -> Result) throws(StoreError) -> Result {
        guard let client = mongoc_client_pool_pop(self.pool) else {
            throw StoreError(.unavailable, "no MongoDB client is free")
        }
        defer { mongoc_client_pool_push(self.pool, client) }
        return try body(client)
    }

    /// Destroys the pool, once, after every thread that pops clients has ended; later calls do nothing.
    func destroy() {
        let first = self.destroyed.withLock { destroyed in
            defer { destroyed = true }
            return !destroyed
        }
        if first {
            mongoc_client_pool_destroy(self.pool)
        }
    }
}
