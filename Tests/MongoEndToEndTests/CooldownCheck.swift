/// Each session's leases in the order of their `last_use`, checked pairwise: a lease must not
/// start before the previous lease of the same session has cooled down (its `next_use`).
struct CooldownCheck {
    /// The pairs where the later lease started before the earlier one's `next_use`, described.
    private(set) var violations: [String] = []
    /// How many pairs of consecutive leases of one session were compared.
    private(set) var comparedPairs = 0
    /// How many of those pairs were stamped by different clocks.
    private(set) var crossClockPairs = 0
    /// The least time in milliseconds between a `next_use` and the next lease's `last_use` over the
    /// pairs stamped by different clocks; nil when there are none.
    private(set) var closestCrossClockGap: Int64?

    /// Compares the leases of every session.
    ///
    /// - Parameter crossClockTolerance: milliseconds a lease may start early when it and the previous
    ///   one were stamped by different clocks; 0 compares exactly.
    init(_ leases: [LeaseRecord], crossClockTolerance: Int64 = 0) {
        for (_, ofOneSession) in Dictionary(grouping: leases, by: \.id) {
            let ordered = ofOneSession.sorted { $0.lastUse < $1.lastUse }
            for (previous, next) in zip(ordered, ordered.dropFirst()) {
                self.comparedPairs += 1
                let gap = next.lastUse.milliseconds - previous.nextUse.milliseconds
                var tolerance: Int64 = 0
                if previous.clock != next.clock {
                    self.crossClockPairs += 1
                    self.closestCrossClockGap = min(gap, self.closestCrossClockGap ?? gap)
                    tolerance = crossClockTolerance
                }
                if gap + tolerance < 0 {
                    self.violations.append("\(next) began before \(previous) had cooled down")
                }
            }
        }
    }
}
