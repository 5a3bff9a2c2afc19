/// What a bearer token lets its holder do.
///
/// `/healthz` and `/readyz` need no token at all, so that probes work without one.
public enum AccessRole: String, CaseIterable, Sendable {
    /// Works the pool: lease, success, lock, block, deactivate, reading one session, count.
    case worker
    /// Everything, including adding, listing, changing, deleting and activating sessions.
    case admin
    /// Reads `GET /stats` only, for a monitoring scraper.
    case metrics
}

/// A set of roles as bits, so that a token check can combine them without branching.
struct AccessRoles: OptionSet, Sendable {
    let rawValue: UInt8

    static let worker = AccessRoles(.worker)
    static let admin = AccessRoles(.admin)
    static let metrics = AccessRoles(.metrics)
    static let all: AccessRoles = [.worker, .admin, .metrics]

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ role: AccessRole) {
        switch role {
        case .worker: self.rawValue = 1
        case .admin: self.rawValue = 2
        case .metrics: self.rawValue = 4
        }
    }

    /// The roles in this set, as words for a message: `worker or admin`.
    var names: String {
        AccessRole.allCases.filter { self.contains(AccessRoles($0)) }.map(\.rawValue).joined(separator: " or ")
    }
}
