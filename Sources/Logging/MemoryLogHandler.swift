import Synchronization

/// Keeps every event in memory so that tests can read back what was logged.
public final class MemoryLogHandler: LogHandler {
    private let storage = Mutex([LogEvent]())

    public init() {}

    public func log(_ event: LogEvent) {
        self.storage.withLock { $0.append(event) }
    }

    /// Everything logged so far, oldest first.
    public var events: [LogEvent] {
        self.storage.withLock { $0 }
    }
}
