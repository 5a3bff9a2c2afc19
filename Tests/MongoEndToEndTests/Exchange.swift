import SessionCore
import TestSupport

/// One request a worker sent and what came back, with when it was sent and answered.
struct Exchange: Sendable, CustomStringConvertible {
    /// The method and path, such as `POST /sessions/lease`.
    var request: String
    var worker: Int
    var started: ContinuousClock.Instant
    var ended: ContinuousClock.Instant
    /// The status, or nil when no answer came (the `failure` says why).
    var status: Int?
    /// The `error` member of a JSON error answer.
    var errorCode: String?
    /// The body of an answer other than 200 and 429, or the error of an exchange that failed.
    var failure: String?

    init(request: String, worker: Int, started: ContinuousClock.Instant, outcome: Result<RawHTTPResponse, any Error>) {
        self.request = request
        self.worker = worker
        self.started = started
        self.ended = ContinuousClock.now
        switch outcome {
        case .success(let response):
            self.status = response.status
            self.errorCode = (try? JSONParser.parse(response.body))?.objectValue?["error"]?.stringValue
            self.failure = response.status == 200 || response.status == 429 ? nil : response.bodyText
        case .failure(let error):
            self.failure = "\(error)"
        }
    }

    /// Sends one request on a new connection to the broker on `port` and measures it.
    static func probe(_ method: String, _ path: String, port: Int) -> Exchange {
        let started = ContinuousClock.now
        let outcome = Result { try BrokerConnection(port: port).send(method, path) }
        return Exchange(request: "\(method) \(path)", worker: -1, started: started, outcome: outcome)
    }

    var latency: Duration {
        self.ended - self.started
    }

    /// Whether the whole exchange, from sending to answer, lies within `window`.
    func lies(within window: ClosedRange<ContinuousClock.Instant>) -> Bool {
        window.contains(self.started) && window.contains(self.ended)
    }

    var description: String {
        let answer = self.status.map { "\($0) \(self.failure ?? "")" } ?? "no answer: \(self.failure ?? "")"
        return "worker \(self.worker) \(self.request) -> \(answer) after \(self.latency)"
    }
}
