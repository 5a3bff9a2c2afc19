/// Calls `attempt` until it returns a value or `limit` has passed, pausing briefly between calls.
///
/// - Returns: the first value, or nil when time ran out.
func poll<Value>(
    within limit: Duration = .seconds(30),
    pause: Duration = .milliseconds(20),
    _ attempt: () async throws -> Value?
) async throws -> Value? {
    let deadline = ContinuousClock.now + limit
    while true {
        if let value = try await attempt() {
            return value
        }
        guard ContinuousClock.now < deadline else {
            return nil
        }
        try await Task.sleep(for: pause)
    }
}
