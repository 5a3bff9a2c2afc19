#if canImport(Glibc)
import Glibc
#endif

/// A point in time in UTC with millisecond precision, as MongoDB stores dates.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The current time of the system clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// This time moved forward by `duration` milliseconds, saturating instead of overflowing.
    public func adding(milliseconds duration: Int64) -> Timestamp {
        let (sum, overflow) = self.milliseconds.addingReportingOverflow(duration)
        return Timestamp(milliseconds: overflow ? Int64.max : sum)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public var description: String {
        self.rfc3339
    }
}

/// Where the broker reads the time; tests replace it to move time without waiting.
public protocol Clock: Sendable {
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: Clock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp.now()
    }
}
