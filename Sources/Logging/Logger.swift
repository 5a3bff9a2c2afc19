/// Values attached to a log event, keyed by dotted names such as `request.method`.
public typealias LogMetadata = [String: String]

/// One log event as it reaches a handler.
public struct LogEvent: Sendable {
    public var level: LogLevel
    public var label: String
    /// A constant text; the varying data belongs in `metadata`.
    public var message: String
    public var metadata: LogMetadata
}

/// Where log events go. Implementations must be safe to call from any thread.
public protocol LogHandler: Sendable {
    func log(_ event: LogEvent)
}

/// A small structured logger: a label, a threshold and metadata carried along with it.
///
/// It is a value type: copy it and add metadata for one request without touching the original.
public struct Logger: Sendable {
    public let label: String
    public var logLevel: LogLevel
    public var metadata: LogMetadata
    private let handler: any LogHandler

    /// Creates a logger that writes through `handler`, or through the process-wide handler when nil.
    public init(label: String, level: LogLevel? = nil, handler: (any LogHandler)? = nil) {
        self.label = label
        self.handler = handler ?? LoggingSystem.handler
        self.logLevel = level ?? LoggingSystem.level
        self.metadata = [:]
    }

    /// Whether an event at `level` would be written; use it to skip building costly metadata.
    @inlinable
    public func isEnabled(_ level: LogLevel) -> Bool {
        level >= self.logLevel
    }

    /// Writes one event if `level` reaches this logger's threshold.
    public func log(_ level: LogLevel, _ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        guard self.isEnabled(level) else {
            return
        }
        var merged = self.metadata
        for (key, value) in metadata() {
            merged[key] = value
        }
        self.handler.log(LogEvent(level: level, label: self.label, message: message, metadata: merged))
    }

    public func trace(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.trace, message, metadata())
    }

    public func debug(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.debug, message, metadata())
    }

    public func info(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.info, message, metadata())
    }

    public func notice(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.notice, message, metadata())
    }

    public func warning(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.warning, message, metadata())
    }

    public func error(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.error, message, metadata())
    }

    public func critical(_ message: String, _ metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(.critical, message, metadata())
    }
}
