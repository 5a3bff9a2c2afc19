import HTTPServer
import Logging
import SessionCore

/// The session API: routes each request to the store and turns results into JSON answers.
///
/// It runs on the HTTP server's event-loop threads and never blocks them: validation happens
/// inline, store work is handed to the store, whose completion answers from the store's thread.
public final class BrokerHandler: HTTPRequestHandler {
    let store: any SessionStore
    let pools: [String: PoolConfiguration]
    let logger: Logger
    let access: AccessPolicy
    let metrics: BrokerMetrics

    /// - Parameters:
    ///   - store: where sessions live; it must have prepared `pools`.
    ///   - pools: the configured pools; the one named `default` also answers `/sessions`.
    ///   - access: which tokens may use which routes; open to everyone by default.
    ///   - statisticsCacheTime: how long `/stats` serves the pools' figures before asking the store again.
    public init(
        store: any SessionStore,
        pools: [PoolConfiguration],
        logger: Logger,
        access: AccessPolicy = .open,
        statisticsCacheTime: Duration = .seconds(5)
    ) {
        self.store = store
        self.pools = Dictionary(pools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.access = access
        self.metrics = BrokerMetrics(pools: Array(self.pools.keys), statisticsLifetime: statisticsCacheTime)
    }

    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        if self.logger.isEnabled(.debug) {
            self.logger.debug("request", ["request.method": request.method, "request.path": String(request.path)])
        }
        let path = String(request.path)
        let route = Route(path: path)
        let responder = self.metrics.observe(route, responder: responder)
        guard let route else {
            let malformed = PercentDecoding.hasBrokenEscape(path)
            responder.respond(.error(malformed ? .invalidRequest("the path has a broken percent escape") : .notFound))
            return
        }
        if let denial = self.access.denial(of: request, route: route) {
            responder.respond(.error(denial))
            return
        }
        if let name = route.pool, self.pools[name] == nil {
            responder.respond(.error(.poolNotFound(name)))
            return
        }
        guard route.allowedMethods.contains(request.method) else {
            responder.respond(.error(.methodNotAllowed(route.allowedMethods)))
            return
        }

        do throws(APIError) {
            try self.dispatch(route, request: request, responder: responder)
        } catch {
            responder.respond(.error(error))
        }
    }

    private func dispatch(_ route: Route, request: HTTPRequest, responder: HTTPResponder) throws(APIError) {
        let reading = request.method == "GET" || request.method == "HEAD"
        switch route {
        case .health:
            responder.respond(.json(200, JSONObject(["status": .string("ok")])))
        case .readiness:
            self.checkReadiness(responder: responder)
        case .stats:
            try self.reportStatistics(request, responder: responder)
        case .sessions(let pool) where reading:
            try self.list(in: try self.pool(pool), query: request.query.map(String.init), responder: responder)
        case .sessions(let pool):
            try self.insert(request, into: try self.pool(pool), poolName: pool, responder: responder)
        case .lease(let pool):
            try self.lease(request, in: try self.pool(pool), responder: responder)
        case .count(let pool):
            self.countAvailable(in: try self.pool(pool), responder: responder)
        case .session(let pool, let id):
            try self.handleSession(id: id, in: try self.pool(pool), request: request, responder: responder)
        case .action(let pool, let id, let action):
            try self.perform(action, id: id, in: try self.pool(pool), request: request, responder: responder)
        }
    }

    private func handleSession(
        id: String,
        in pool: PoolConfiguration,
        request: HTTPRequest,
        responder: HTTPResponder
    ) throws(APIError) {
        switch request.method {
        case "PATCH": try self.update(id: id, in: pool, request: request, responder: responder)
        case "DELETE": self.delete(id: id, in: pool, responder: responder)
        default: self.find(id: id, in: pool, responder: responder)
        }
    }

    /// The pool a route names; nil is the default pool.
    private func pool(_ name: String?) throws(APIError) -> PoolConfiguration {
        let name = name ?? PoolConfiguration.default.name
        guard let pool = self.pools[name] else {
            throw .poolNotFound(name)
        }
        return pool
    }

    /// A completion that answers with `render` on success and with the mapped error on failure.
    func answer<Value>(
        _ responder: HTTPResponder,
        render: @escaping @Sendable (Value) -> HTTPResponse
    ) -> StoreCompletion<Value> {
        { [logger, metrics] result in
            switch result {
            case .success(let value):
                responder.respond(render(value))
            case .failure(let error):
                metrics.storeErrors.record(error.code)
                Self.log(error, logger: logger)
                responder.respond(.error(APIError(error)))
            }
        }
    }

    /// Logs a store failure at the level its kind deserves: expected ones at debug, the rest louder.
    /// An unavailable store is logged by the store itself, once when it goes and once when it is
    /// back, rather than once per request.
    static func log(_ error: StoreError, logger: Logger) {
        switch error.code {
        case .notFound, .duplicateID, .invalidInput:
            logger.debug("store refused the request", ["error.code": "\(error.code)"])
        case .unavailable:
            logger.debug("store unavailable", ["error": error.description])
        default:
            logger.error("store operation failed", ["error": error.description])
        }
    }

    /// The JSON of a session as this pool shows it to clients.
    func render(_ session: Session, in pool: PoolConfiguration, status: Int = 200) -> HTTPResponse {
        .json(status, session.json(names: pool.fields, projection: pool.projection))
    }
}
