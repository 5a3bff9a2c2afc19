import Foundation

/// Checks `condition` every `pause` until it holds or `limit` has passed; returns whether it held.
func waitUntil(
    within limit: Duration,
    pause: Duration = .milliseconds(20),
    _ condition: () throws -> Bool
) rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            return false
        }
        Thread.sleep(forTimeInterval: pause.seconds)
    }
    return true
}
