import SessionCore
import Synchronization

/// Spaces out the lifting of parked sessions: once per interval per collection, by whichever
/// lease comes first.
final class UnparkingSchedule: Sendable {
    private let interval: Period
    private let last = Mutex<[String: Timestamp]>([:])

    init(interval: Period) {
        self.interval = interval
    }

    /// Whether `collection` is due, in which case it counts as done from now.
    func isDue(_ collection: String) -> Bool {
        let now = Timestamp.now()
        return self.last.withLock { last in
            if let previous = last[collection], now < previous.adding(milliseconds: self.interval.milliseconds) {
                return false
            }
            last[collection] = now
            return true
        }
    }
}
