/// When a broker was found serving again after its database came back: a lease answered 200 and
/// `/readyz` answered 200, each asked on a new connection until it was so.
struct Recovery {
    /// When a lease was first answered 200; nil when none was within the limit.
    private(set) var lease: ContinuousClock.Instant?
    /// When `/readyz` was first answered 200; nil when it was not within the limit.
    private(set) var readiness: ContinuousClock.Instant?

    /// Asks the broker on `port` until both were answered 200 or `limit` has passed.
    ///
    /// This initialiser BLOCKS for at most `limit` and one request more. It takes at most one lease.
    init(port: Int, within limit: Duration) {
        _ = waitUntil(within: limit) {
            if self.lease == nil, Exchange.probe("POST", "/sessions/lease", port: port).status == 200 {
                self.lease = .now
            }
            if self.readiness == nil, Exchange.probe("GET", "/readyz", port: port).status == 200 {
                self.readiness = .now
            }
            return self.lease != nil && self.readiness != nil
        }
    }
}
