import Foundation
import Logging
import SQLiteStore
import SessionCore

/// Applies a JSON configuration file to a ``Configuration``.
///
/// The file may carry `//` comments. Every key is checked: an unknown key is an error, so that a
/// misspelt setting cannot be silently ignored.
enum ConfigurationFile {
    /// Reads the file at `path` into `configuration`.
    ///
    /// - Throws: ``ConfigurationError`` naming the file or the key at fault.
    static func apply(path: String, to configuration: inout Configuration) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: path, "cannot read the configuration file")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(Self.strippingComments(Array(data)))
        } catch {
            throw ConfigurationError(key: path, "not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let object) = root else {
            throw ConfigurationError(key: path, "the configuration must be a JSON object")
        }
        try self.apply(object, to: &configuration)
    }

    static func apply(_ object: JSONObject, to configuration: inout Configuration) throws(ConfigurationError) {
        var reader = ObjectReader(object, path: "")
        if let host = try reader.string("host") {
            configuration.host = try Configuration.checkHost(host, key: reader.keyPath("host"))
        }
        if let port = try reader.integer("port", in: 0...65535) {
            configuration.port = Int(port)
        }
        if let level = try reader.choice("log_level", LogLevel.self) {
            configuration.logLevel = level
        }
        if let format = try reader.choice("log_format", StreamLogHandler.Format.self) {
            configuration.logFormat = format
        }
        if let drain = try reader.period("drain_timeout") {
            configuration.drainTimeout = drain
        }
        if var sqlite = try reader.object("sqlite") {
            if let path = try sqlite.string("path") {
                configuration.sqlitePath = path
            }
            if let synchronous = try sqlite.choice("synchronous", SQLiteSessionStore.Synchronous.self) {
                configuration.sqliteSynchronous = synchronous
            }
            try sqlite.rejectUnknown()
        }
        if var mongo = try reader.object("mongo") {
            configuration.mongoURL = try mongo.string("url") ?? configuration.mongoURL
            configuration.mongoDatabase = try mongo.string("database") ?? configuration.mongoDatabase
            if case .bool(let create)? = mongo.raw("create_indexes") {
                configuration.mongoCreateIndexes = create
            } else if mongo.raw("create_indexes") != nil {
                throw ConfigurationError(key: mongo.keyPath("create_indexes"), "must be true or false")
            }
            if let connections = try mongo.integer("connections", in: 1...256) {
                configuration.mongoConnections = Int(connections)
            }
            try mongo.rejectUnknown()
        }
        if var http = try reader.object("http") {
            try self.applyHTTP(&http, to: &configuration)
        }
        if let pools = try reader.object("pools") {
            configuration.pools = try PoolSettings.read(pools)
        }
        if var metrics = try reader.object("metrics") {
            if let cache = try metrics.period("cache_seconds") {
                configuration.metricsCacheTime = try Configuration.checkMetricsCacheTime(
                    cache,
                    key: metrics.keyPath("cache_seconds")
                )
            }
            try metrics.rejectUnknown()
        }
        if var auth = try reader.object("auth") {
            try configuration.access.apply(&auth)
        }
        try reader.rejectUnknown()
    }

    private static func applyHTTP(
        _ http: inout ObjectReader,
        to configuration: inout Configuration
    )
        throws(ConfigurationError)
    {
        let limit: ClosedRange<Int64> = 1...(1 << 30)
        if let value = try http.integer("max_connections", in: 1...1_000_000) {
            configuration.http.maxConnections = Int(value)
        }
        if let value = try http.integer("event_loops", in: 1...64) {
            configuration.http.eventLoops = Int(value)
        }
        if let value = try http.integer("max_request_line_bytes", in: limit) {
            configuration.http.maxRequestLineBytes = Int(value)
        }
        if let value = try http.integer("max_header_bytes", in: limit) {
            configuration.http.maxHeaderBytes = Int(value)
        }
        if let value = try http.integer("max_body_bytes", in: limit) {
            configuration.http.maxBodyBytes = Int(value)
        }
        if let value = try http.positivePeriod("header_timeout") {
            configuration.http.headerTimeout = .milliseconds(value.milliseconds)
        }
        if let value = try http.positivePeriod("idle_timeout") {
            configuration.http.idleTimeout = .milliseconds(value.milliseconds)
        }
        try http.rejectUnknown()
    }

    /// Removes `//` comments that stand outside strings, keeping line breaks so offsets stay meaningful.
    static func strippingComments(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                output.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    output.append(bytes[index + 1])
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                    output.append(UInt8(ascii: " "))
                    index += 1
                }
                continue
            } else {
                inString = byte == UInt8(ascii: "\"")
                output.append(byte)
            }
            index += 1
        }
        return output
    }
}
