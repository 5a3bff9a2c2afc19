import HTTPServer
import Logging
import SQLiteStore
import SessionCore

#if canImport(Glibc)
import Glibc
#endif

/// Everything the broker can be told, with its defaults.
///
/// Sources apply in this order, each overriding the one before: these defaults, a JSON file
/// (`config/broker.json` when present, or the file named by `--config`/`BROKER_CONFIG`),
/// `BROKER_*` environment variables, and command-line flags. ``ConfigurationLoader`` reads them.
public struct Configuration: Sendable {
    /// The address to listen on: loopback by default.
    public var host = "127.0.0.1"
    public var port = 8080
    public var logLevel = LogLevel.info
    public var logFormat = StreamLogHandler.Format.logfmt
    /// The embedded store's database file; `:memory:` keeps it in memory (for tests).
    public var sqlitePath = "data/broker.sqlite3"
    public var sqliteSynchronous = SQLiteSessionStore.Synchronous.normal
    /// A MongoDB connection string; when set, the MongoDB store is used instead of SQLite.
    public var mongoURL: String?
    /// The MongoDB database; nil takes the one the URL names, else `broker`.
    public var mongoDatabase: String?
    /// Whether start-up creates the indexes the lease needs; off where the broker may not create indexes.
    public var mongoCreateIndexes = true
    /// How many MongoDB operations run at once, each on a client of its own.
    public var mongoConnections = 16
    public var http = HTTPServerConfiguration()
    /// How long shutdown waits for requests in flight.
    public var drainTimeout = Period.seconds(10)
    /// How long `/stats` serves the pools' figures before asking the store again; zero asks every time.
    public var metricsCacheTime = Period.seconds(5)
    public var pools = [PoolConfiguration.default]
    /// The bearer tokens; without any, every route is open and only loopback may be listened on.
    public var access = TokenSettings()

    public init() {}

    /// Checks that `text` is a numeric IPv4 or IPv6 address, which is what the server binds.
    ///
    /// - Throws: ``ConfigurationError`` naming `key` otherwise.
    static func checkHost(_ text: String, key: String) throws(ConfigurationError) -> String {
        var address4 = in_addr()
        var address6 = in6_addr()
        guard inet_pton(AF_INET, text, &address4) == 1 || inet_pton(AF_INET6, text, &address6) == 1 else {
            throw ConfigurationError(
                key: key,
                "\"\(text)\" is not a numeric IPv4 or IPv6 address, such as 127.0.0.1 or ::1"
            )
        }
        return text
    }

    /// `host:port`, with brackets around an IPv6 host.
    static func address(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The configuration as a JSON object for the start-up log, without secrets.
    public var summary: LogMetadata {
        var summary: LogMetadata = [
            "host": self.host,
            "port": String(self.port),
            "log.level": self.logLevel.rawValue,
            "log.format": self.logFormat.rawValue,
            "store": self.mongoURL == nil ? "sqlite" : "mongodb",

            "http.max_connections": String(self.http.maxConnections),
            "http.event_loops": String(self.http.eventLoops),
            "metrics.cache_seconds": self.metricsCacheSeconds,
            "pools": self.pools.map(\.name).joined(separator: ","),
            "auth": self.access.summary,
        ]
        if self.mongoURL == nil {
            summary["sqlite.path"] = self.sqlitePath
            summary["sqlite.synchronous"] = self.sqliteSynchronous.rawValue
        } else {
            // The URL is left out: it may carry a password. The store names its database when it starts.
            summary["mongo.database"] = self.mongoDatabase ?? "from the URL, else broker"
            summary["mongo.create_indexes"] = String(self.mongoCreateIndexes)
            summary["mongo.connections"] = String(self.mongoConnections)
        }
        return summary
    }
}

/// A configuration value the broker cannot run with; start-up stops with exit code 64.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The key as the user wrote it: a JSON path, an environment variable or a flag.
    public var key: String
    public var message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String {
        "\(self.key): \(self.message)"
    }
}
