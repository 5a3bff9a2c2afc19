import HTTPServer
import SessionCore
import Synchronization

extension BrokerHandler {
    func checkReadiness(responder: HTTPResponder) {
        self.store.checkHealth { [logger, metrics] result in
            switch result {
            case .success:
                responder.respond(.json(200, JSONObject(["status": .string("ready")])))
            case .failure(let error):
                metrics.storeErrors.record(error.code)
                Self.log(error, logger: logger)
                responder.respond(
                    .error(APIError(status: 503, code: "store_unavailable", message: "the store does not answer"))
                )
            }
        }
    }

    /// Answers the figures of every pool, from the statistics cache, with the broker's own counters
    /// in the Prometheus text format, or as JSON when the request asks for it (``StatsFormat``).
    func reportStatistics(_ request: HTTPRequest, responder: HTTPResponder) throws(APIError) {
        let format = try StatsFormat(request)
        self.metrics.statistics.read(fetch: self.gatherStatistics) { [metrics] figures in
            switch (format, figures) {
            case (.prometheus, _):
                let text = metrics.exposition(figures)
                responder.respond(
                    HTTPResponse(status: 200, headers: [("Content-Type", PrometheusText.contentType)], body: text.bytes)
                )
            case (.json, .success(let statistics)):
                var body = JSONObject()
                for (pool, figures) in zip(metrics.pools, statistics) {
                    body[pool] = .object(Self.json(figures))
                }
                responder.respond(.json(200, JSONObject(["pools": .object(body)])))
            case (.json, .failure(let error)):
                responder.respond(.error(APIError(error)))
            }
        }
    }

    /// Asks the store for the figures of every pool in parallel, in the order of ``BrokerMetrics/pools``.
    private func gatherStatistics(completion: @escaping StatisticsCache.Completion) {
        let pools = self.metrics.pools.compactMap { self.pools[$0] }
        guard !pools.isEmpty else {
            completion(.success([]))
            return
        }
        let gathering = StatisticsGathering(expected: pools.count) { [logger, metrics] results in
            var statistics: [PoolStatistics] = []
            for result in results {
                switch result {
                case .success(let figures):
                    statistics.append(figures)
                case .failure(let error):
                    metrics.storeErrors.record(error.code)
                    Self.log(error, logger: logger)
                    completion(.failure(error))
                    return
                }
            }
            completion(.success(statistics))
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
