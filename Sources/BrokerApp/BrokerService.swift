import BrokerAPI
import Foundation
import HTTPServer
import Logging
import MongoStore
import SQLiteStore
import SessionCore

/// The running broker: its store, its HTTP server, and their order of start and stop.
public final class BrokerService: Sendable {
    public let configuration: Configuration
    private let store: any SessionStore
    private let server: HTTPServer
    private let logger: Logger

    /// Opens the store and prepares its pools; the server is created but not yet listening.
    ///
    /// - Throws: ``ConfigurationError`` when the configuration cannot work, ``StoreError`` when the
    ///   store cannot be opened. An open broker (no tokens) on an address other than loopback is a
    ///   ``ConfigurationError`` unless open access is allowed; nothing is opened then.
    public init(
        configuration: Configuration,
        clock: any SessionCore.Clock = SystemClock(),
        logger: Logger = Logger(label: "broker")
    ) throws {
        try configuration.access.checkExposure(host: configuration.host)
        self.configuration = configuration
        self.logger = logger
        self.store = try Self.openStore(configuration, clock: clock)

        var http = configuration.http
        http.host = configuration.host
        http.port = configuration.port
        let handler = BrokerHandler(
            store: self.store,
            pools: configuration.pools,
            logger: logger,
            access: configuration.access.policy,
            statisticsCacheTime: .milliseconds(configuration.metricsCacheTime.milliseconds)
        )
        self.server = HTTPServer(configuration: http, handler: handler, logger: Logger(label: "http"))
    }

    /// Opens the store the configuration names and prepares its pools; `serve`, `import` and
    /// `export` all start here. It BLOCKS while the store prepares.
    ///
    /// - Throws: ``ConfigurationError`` when the configuration cannot work, ``StoreError``
    ///   (`unavailable`) when the store cannot be reached.
    static func openStore(
        _ configuration: Configuration,
        clock: any SessionCore.Clock = SystemClock()
    ) throws
        -> any SessionStore
    {
        let store = try self.makeStore(configuration, clock: clock)
        do {
            try store.prepare(pools: configuration.pools)
        } catch  where error.code == .unavailable {
            store.close()
            throw error
        } catch {
            store.close()
            let key = configuration.mongoURL == nil ? "sqlite.path" : "mongo.url"
            throw ConfigurationError(key: key, "cannot prepare \(store.description): \(error.message)")
        }
        return store
    }

    private static func makeStore(
        _ configuration: Configuration,
        clock: any SessionCore.Clock
    ) throws
        -> any SessionStore
    {
        if let url = configuration.mongoURL {
            var mongo = MongoStoreConfiguration(url: url)
            mongo.database = configuration.mongoDatabase
            mongo.createIndexes = configuration.mongoCreateIndexes
            mongo.maximumConnections = configuration.mongoConnections
            do {
                return try MongoSessionStore(configuration: mongo, logger: Logger(label: "store.mongo"))
            } catch {
                throw ConfigurationError(key: "mongo.url", "cannot use the MongoDB store: \(error.message)")
            }
        }
        let path = configuration.sqlitePath
        if path != ":memory:" {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        do {
            return try SQLiteSessionStore(
                path: path,
                synchronous: configuration.sqliteSynchronous,
                clock: clock,
                logger: Logger(label: "store.sqlite")
            )
        } catch {
            throw ConfigurationError(key: "sqlite.path", "cannot use \(path) as the embedded store: \(error.message)")
        }
    }

    /// Starts listening and returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        let port = try self.server.start()
        if self.configuration.access.isOpen {
            self.logger.warning(
                "no access tokens are configured: every route is open to anyone who can connect",
                ["address": Configuration.address(host: self.configuration.host, port: port)]
            )
        }
        self.logger.notice(
            "broker started",
            [
                "store": self.store.description,
                "address": Configuration.address(host: self.configuration.host, port: port),
                "pools": self.configuration.pools.map { "\($0.name)=\($0.collection)" }.joined(separator: ","),
            ]
        )
        return port
    }

    /// Stops accepting, lets requests in flight finish within the drain timeout, then closes the store.
    /// It BLOCKS until done.
    public func shutdown() {
        self.logger.notice("broker stopping")
        self.server.shutdown(drainTimeout: .milliseconds(self.configuration.drainTimeout.milliseconds))
        self.store.close()
        self.logger.notice("broker stopped")
    }
}
