import SessionCore
import Synchronization

/// A clock that moves only when a test moves it, so that cooldowns can be tested without waiting.
public final class ManualClock: SessionCore.Clock {
    private let current: Mutex<Timestamp>

    /// Starts at `start`, by default 2026-12-04T12:00:00.000Z.
    public init(start: Timestamp = Timestamp(milliseconds: 1_796_385_600_000)) {
        self.current = Mutex(start)
    }

    public func now() -> Timestamp {
        self.current.withLock { $0 }
    }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) {
        self.current.withLock { $0 = $0.adding(milliseconds: milliseconds) }
    }

    public func advance(seconds: Int64) {
        self.advance(milliseconds: seconds * 1000)
    }
}
