import SessionCore

extension LeaseOutcome {
    /// The wait a refusal names; nil for a lease, and for a refusal that names none.
    var retryAfter: Period? {
        if case .unavailable(let retryAfter) = self {
            return retryAfter
        }
        return nil
    }
}
