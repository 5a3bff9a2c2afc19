import HTTPServer
import SessionCore

extension BrokerHandler {
    /// The most a counter may grow in one request.
    static let counterRange: ClosedRange<Int64> = 1...1_000_000

    func lease(_ request: HTTPRequest, in pool: PoolConfiguration, responder: HTTPResponder) throws(APIError) {
        var fields = BodyFields(try RequestBody.object(of: request, required: false))
        let lease: LeaseRequest
        do {
            lease = LeaseRequest(
                countUse: try fields.integer("count_use", in: Self.counterRange) ?? 1,
                nextUseDelay: try fields.period("next_use_delay"),
                filter: try fields.filter("filter")
            )
            try fields.rejectUnknown()
        } catch {
            throw APIError(error)
        }

        self.store.lease(
            lease,
            in: pool,
            completion: self.answer(responder) { outcome in
                switch outcome {
                case .leased(let session):
                    return self.render(session, in: pool)
                case .unavailable(let retryAfter):
                    return .error(Self.noSessionAvailable(retryAfter: retryAfter))
                }
            }
        )
    }

    /// 429, with `Retry-After` in whole seconds when a held session will become eligible by itself.
    static func noSessionAvailable(retryAfter: Period?) -> APIError {
        guard let retryAfter else {
            return APIError(
                status: 429,
                code: "no_session_available",
                message: "no session matches; none will become available by itself"
            )
        }
        let seconds = max(1, (retryAfter.milliseconds + 999) / 1000)
        return APIError(
            status: 429,
            code: "no_session_available",
            message: "no session is available now; one will be in about \(seconds) s",
            headers: [("Retry-After", String(seconds))]
        )
    }

    func perform(
        _ action: SessionAction,
        id: String,
        in pool: PoolConfiguration,
        request: HTTPRequest,
        responder: HTTPResponder
    ) throws(APIError) {
        var fields = BodyFields(try RequestBody.object(of: request, required: false))
        let completion: StoreCompletion<Session> = self.answer(responder) { self.render($0, in: pool) }
        do {
            switch action {
            case .success:
                let count = try fields.integer("count_success", in: Self.counterRange) ?? 1
                let delay = try fields.period("next_use_delay")
                try fields.rejectUnknown()
                self.store.recordSuccess(id: id, count: count, nextUseDelay: delay, in: pool, completion: completion)
            case .lock, .block:
                let period = try fields.period("period") ?? (action == .lock ? pool.lockTime : pool.blockTime)
                try fields.rejectUnknown()
                self.store.hold(id: id, for: period, in: pool, completion: completion)
            case .deactivate, .activate:
                try fields.rejectUnknown()
                self.store.setActive(action == .activate, id: id, in: pool, completion: completion)
            }
        } catch {
            throw APIError(error)
        }
    }

    func countAvailable(in pool: PoolConfiguration, responder: HTTPResponder) {
        self.store.countAvailable(
            in: pool,
            completion: self.answer(responder) { count in
                .json(200, JSONObject(["available": .int(count)]))
            }
        )
    }
}
