extension Route {
    /// The roles that may send `method` to this route, or nil when the route is open to everyone.
    ///
    /// A method the route does not answer needs any valid token, and then gets 405.
    func permittedRoles(method: String) -> AccessRoles? {
        let workers: AccessRoles = [.worker, .admin]
        guard self.allowedMethods.contains(method) else {
            return self == .health || self == .readiness ? nil : .all
        }

        switch self {
        case .health, .readiness:
            return nil
        case .stats:
            return [.metrics, .admin]
        case .lease, .count:
            return workers
        case .session:
            return method == "GET" || method == "HEAD" ? workers : .admin
        case .action(_, _, let action):
            return action == .activate ? .admin : workers
        case .sessions:
            return .admin
        }
    }
}
