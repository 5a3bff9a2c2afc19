/// The route a request took, as a path template such as `/pools/{pool}/sessions/{id}/lock`.
///
/// Metrics are labelled with templates, never with raw paths, so the number of series stays
/// fixed whatever ids, pools or paths clients send; every path the API does not have is `other`.
struct RouteTemplate: Equatable {
    /// The position of the template in ``all``.
    let index: Int

    /// Every template, in a fixed order: the broker's own routes, then the default pool's, then a
    /// named pool's, and `other` last.
    static let all: [String] =
        ["/healthz", "/readyz", "/stats"] + sessionPaths + sessionPaths.map { "/pools/{pool}\($0)" } + ["other"]

    private static let sessionPaths =
        ["/sessions", "/sessions/lease", "/sessions/count", "/sessions/{id}"]
        + SessionAction.inOrder.map { "/sessions/{id}/\($0.rawValue)" }

    static let other = RouteTemplate(index: all.count - 1)

    private init(index: Int) {
        self.index = index
    }

    /// The template of `route`; nil, a path the API does not have, is ``other``.
    init(_ route: Route?) {
        switch route {
        case nil: self = .other
        case .health: self.init(index: 0)
        case .readiness: self.init(index: 1)
        case .stats: self.init(index: 2)
        case .sessions(let pool): self.init(session: 0, pool: pool)
        case .lease(let pool): self.init(session: 1, pool: pool)
        case .count(let pool): self.init(session: 2, pool: pool)
        case .session(let pool, _): self.init(session: 3, pool: pool)
        case .action(let pool, _, let action): self.init(session: 4 + action.position, pool: pool)
        }
    }

    private init(session position: Int, pool: String?) {
        self.init(index: 3 + position + (pool == nil ? 0 : Self.sessionPaths.count))
    }

    /// The template as a label value.
    var label: String {
        Self.all[self.index]
    }
}

extension SessionAction {
    /// Every action, in the order of the templates.
    fileprivate static let inOrder: [SessionAction] = [.success, .lock, .block, .deactivate, .activate]

    /// The place of the action in ``inOrder``.
    fileprivate var position: Int {
        switch self {
        case .success: 0
        case .lock: 1
        case .block: 2
        case .deactivate: 3
        case .activate: 4
        }
    }
}
