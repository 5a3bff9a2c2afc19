import CMongoC
import Logging
import Synchronization

/// Where libmongoc's own log lines go: the broker's log, under the label `mongoc`.
final class MongoLogSink: Sendable {
    private let logger = Mutex(Logger(label: "mongoc"))

    /// The sink of this process; it lives as long as the process, since libmongoc keeps a pointer to it.
    static let shared = MongoLogSink()

    func log(level: mongoc_log_level_t, domain: String, message: String) {
        let level: LogLevel =
            switch level {
            case MONGOC_LOG_LEVEL_ERROR: .error
            case MONGOC_LOG_LEVEL_CRITICAL: .critical
            case MONGOC_LOG_LEVEL_WARNING: .warning
            case MONGOC_LOG_LEVEL_MESSAGE, MONGOC_LOG_LEVEL_INFO: .info
            case MONGOC_LOG_LEVEL_DEBUG: .debug
            default: .trace
            }
        self.logger.withLock { logger in
            logger.log(level, "driver log", ["domain": domain, "detail": message])
        }
    }
}

/// The C callback libmongoc calls, under its own mutex, from any of its threads.
///
/// It is a top-level function in a file without `@MainActor` code so that it carries no actor
/// isolation, which the Swift runtime would check (and trap on) when a driver thread calls it.
func routeMongoLog(
    level: mongoc_log_level_t,
    domain: UnsafePointer<CChar>?,
    message: UnsafePointer<CChar>?,
    context: UnsafeMutableRawPointer?
) {
    guard let context else {
        return
    }
    let sink = Unmanaged<MongoLogSink>.fromOpaque(context).takeUnretainedValue()
    sink.log(
        level: level,
        domain: domain.map { String(cString: $0) } ?? "",
        message: message.map { String(cString: $0) } ?? ""
    )
}
