import HTTPServer
import SessionCore
import Synchronization

extension BrokerHandler {
    func checkReadiness(responder: HTTPResponder) {
        self.store.checkHealth { [logger] result in
            switch result {
            case .success:
                responder.respond(.json(200, JSONObject(["status": .string("ready")])))
            case .failure(let error):
                Self.log(error, logger: logger)
                responder.respond(
                    .error(APIError(status: 503, code: "store_unavailable", message: "the store does not answer"))
                )
            }
        }
    }

    /// Answers the figures of every pool, gathered from the store in parallel.
    func reportStatistics(responder: HTTPResponder) {
        let pools = self.pools.values.sorted { $0.name < $1.name }
        let gathering = StatisticsGathering(expected: pools.count) { [logger] results in
            var body = JSONObject()
            for (pool, result) in zip(pools, results) {
                switch result {
                case .success(let figures):
                    body[pool.name] = .object(Self.json(figures))
                case .failure(let error):
                    Self.log(error, logger: logger)
                    responder.respond(.error(APIError(error)))
                    return
                }
            }
            responder.respond(.json(200, JSONObject(["pools": .object(body)])))
        }
        for (index, pool) in pools.enumerated() {
            self.store.statistics(in: pool) { gathering.record($0, at: index) }
        }
    }

    private static func json(_ figures: PoolStatistics) -> JSONObject {
        JSONObject([
            "total": .int(figures.total),
            "available": .int(figures.available),
            "cooling": .int(figures.cooling),
            "inactive": .int(figures.inactive),
            "count_use": .int(figures.countUse),
            "count_success": .int(figures.countSuccess),
        ])
    }
}

/// Collects one result per pool and calls `finish` once the last one arrives.
private final class StatisticsGathering: Sendable {
    private let state: Mutex<(results: [Result<PoolStatistics, StoreError>?], missing: Int)>
    private let finish: @Sendable ([Result<PoolStatistics, StoreError>]) -> Void

    init(expected: Int, finish: @escaping @Sendable ([Result<PoolStatistics, StoreError>]) -> Void) {
        self.state = Mutex((Array(repeating: nil, count: expected), expected))
        self.finish = finish
    }

    func record(_ result: Result<PoolStatistics, StoreError>, at index: Int) {
        let complete: [Result<PoolStatistics, StoreError>]? = self.state.withLock { state in
            state.results[index] = result
            state.missing -= 1
            return state.missing == 0 ? state.results.map { $0! } : nil
        }
        if let complete {
            self.finish(complete)
        }
    }
}
