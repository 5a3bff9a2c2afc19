import SessionCore

/// The system clock read before and after store calls, to bound the times the store stamped with its own clock.
struct ClockWindow: CustomStringConvertible {
    /// How far the store's clock may stand from the system clock: a database server keeps its own time.
    static let tolerance: Int64 = 1000

    let start: Timestamp
    let end: Timestamp

    /// Whether `time` lies in the window moved forward by `offset`, give or take the tolerance.
    func contains(_ time: Timestamp?, plus offset: Period = .zero) -> Bool {
        guard let time else {
            return false
        }
        let earliest = self.start.adding(milliseconds: offset.milliseconds - Self.tolerance)
        let latest = self.end.adding(milliseconds: offset.milliseconds + Self.tolerance)
        return earliest <= time && time <= latest
    }

    /// How long the window lasted, by the system clock.
    var length: Period {
        Period(milliseconds: self.end.milliseconds - self.start.milliseconds)
    }

    var description: String {
        "[\(self.start), \(self.end)]"
    }
}

/// Runs `body` and returns its result with the window of system time around it.
func timed<Value>(_ body: () async throws -> Value) async rethrows -> (Value, ClockWindow) {
    let start = Timestamp.now()
    let value = try await body()
    return (value, ClockWindow(start: start, end: Timestamp.now()))
}
