import Synchronization

/// The process-wide default handler and level, set once at start-up.
public enum LoggingSystem {
    private struct State {
        var handler: any LogHandler = StreamLogHandler(format: .logfmt)
        var level: LogLevel = .info
    }

    private static let state = Mutex(State())

    /// Replaces the default handler and level for loggers created from now on.
    public static func bootstrap(handler: any LogHandler, level: LogLevel) {
        self.state.withLock { state in
            state.handler = handler
            state.level = level
        }
    }

    static var handler: any LogHandler {
        self.state.withLock { $0.handler }
    }

    static var level: LogLevel {
        self.state.withLock { $0.level }
    }
}
