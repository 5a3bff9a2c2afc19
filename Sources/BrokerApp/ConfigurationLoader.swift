import Foundation
import Logging
import SQLiteStore
import SessionCore

/// Builds the effective ``Configuration`` from defaults, the file, the environment and the flags.
public enum ConfigurationLoader {
    /// The file read when neither `--config` nor `BROKER_CONFIG` names one, if it exists.
    public static let defaultFile = "config/broker.json"

    /// Layers every source over the defaults.
    ///
    /// - Parameters:
    ///   - flags: the parsed command-line flags, by name without dashes.
    ///   - environment: the process environment.
    /// - Throws: ``ConfigurationError`` naming the key, variable or flag at fault.
    public static func load(
        flags: [String: String],
        environment: [String: String]
    ) throws(ConfigurationError)
        -> Configuration
    {
        var configuration = Configuration()

        let environmentFile = environment["BROKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        if let path = flags["config"] ?? environmentFile {
            try ConfigurationFile.apply(path: path, to: &configuration)
        } else if FileManager.default.fileExists(atPath: self.defaultFile) {
            try ConfigurationFile.apply(path: self.defaultFile, to: &configuration)
        }

        try self.apply(environment: environment, to: &configuration)
        try configuration.access.apply(environment: environment)
        try self.apply(flags: flags, to: &configuration)
        try configuration.access.apply(flags: flags)
        return configuration
    }

    private static func apply(
        environment: [String: String],
        to configuration: inout Configuration
    )
        throws(ConfigurationError)
    {
        let settings: [(String, Setting)] = [
            ("BROKER_HOST", .host), ("BROKER_PORT", .port), ("BROKER_SQLITE_PATH", .sqlitePath),
            ("BROKER_SQLITE_SYNCHRONOUS", .sqliteSynchronous), ("BROKER_MONGO_URL", .mongoURL),
            ("BROKER_MONGO_DATABASE", .mongoDatabase), ("LOG_LEVEL", .logLevel), ("BROKER_LOG_FORMAT", .logFormat),
            ("BROKER_MAX_CONNECTIONS", .maxConnections), ("BROKER_EVENT_LOOPS", .eventLoops),
            ("BROKER_MONGO_CREATE_INDEXES", .mongoCreateIndexes), ("BROKER_METRICS_CACHE_SECONDS", .metricsCacheTime),
        ]
        for (variable, setting) in settings {
            if let value = environment[variable], !value.isEmpty {
                try setting.apply(value, key: variable, to: &configuration)
            }
        }
    }

    private static func apply(
        flags: [String: String],
        to configuration: inout Configuration
    )
        throws(ConfigurationError)
    {
        let settings: [(String, Setting)] = [
            ("host", .host), ("port", .port), ("sqlite", .sqlitePath), ("mongo-url", .mongoURL),
            ("mongo-database", .mongoDatabase), ("log-level", .logLevel), ("log-format", .logFormat),
        ]
        for (flag, setting) in settings {
            if let value = flags[flag] {
                try setting.apply(value, key: "--\(flag)", to: &configuration)
            }
        }
    }

    /// One setting that the environment and the flags can both carry as text.
    private enum Setting {
        case host, port, sqlitePath, sqliteSynchronous, mongoURL, mongoDatabase, logLevel, logFormat
        case maxConnections, eventLoops, mongoCreateIndexes, metricsCacheTime

        func apply(_ text: String, key: String, to configuration: inout Configuration) throws(ConfigurationError) {
            switch self {
            case .host:
                configuration.host = try Configuration.checkHost(text, key: key)
            case .port:
                configuration.port = try Self.integer(text, key: key, in: 0...65535)
            case .sqlitePath:
                configuration.sqlitePath = text
            case .sqliteSynchronous:
                configuration.sqliteSynchronous = try ObjectReader.choice(text, key: key)
            case .mongoURL:
                configuration.mongoURL = text
            case .mongoDatabase:
                configuration.mongoDatabase = text
            case .logLevel:
                configuration.logLevel = try ObjectReader.choice(text, key: key)
            case .logFormat:
                configuration.logFormat = try ObjectReader.choice(text, key: key)
            case .maxConnections:
                configuration.http.maxConnections = try Self.integer(text, key: key, in: 1...1_000_000)
            case .eventLoops:
                configuration.http.eventLoops = try Self.integer(text, key: key, in: 1...64)
            case .mongoCreateIndexes:
                guard let create = ["true": true, "false": false][text] else {
                    throw ConfigurationError(key: key, "\"\(text)\" is neither true nor false")
                }
                configuration.mongoCreateIndexes = create
            case .metricsCacheTime:
                guard let seconds = Double(text) else {
                    throw ConfigurationError(key: key, "\"\(text)\" is not a number of seconds")
                }
                let period: Period
                do {
                    period = try Period(json: .double(seconds), field: key)
                } catch {
                    throw ObjectReader.configurationError(from: error)
                }
                configuration.metricsCacheTime = try Configuration.checkMetricsCacheTime(period, key: key)
            }
        }

        private static func integer(
            _ text: String,
            key: String,
            in range: ClosedRange<Int>
        ) throws(ConfigurationError)
            -> Int
        {
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(
                    key: key,
                    "\"\(text)\" is not an integer from \(range.lowerBound) to \(range.upperBound)"
                )
            }
            return value
        }
    }
}
