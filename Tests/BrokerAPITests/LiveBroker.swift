import BrokerApp
import Logging
import SessionCore
import TestSupport
import Testing

/// A broker serving on a free loopback port with an in-memory store and a manual clock.
final class LiveBroker {
    let clock = ManualClock()
    let logs = MemoryLogHandler()
    let service: BrokerService
    let port: Int

    init(pools: [PoolConfiguration] = [.default], configure: (inout Configuration) -> Void = { _ in }) throws {
        var configuration = Configuration()
        configuration.port = 0
        configuration.sqlitePath = ":memory:"
        configuration.pools = pools
        configuration.drainTimeout = .seconds(5)
        configure(&configuration)

        self.service = try BrokerService(
            configuration: configuration,
            clock: self.clock,
            logger: Logger(label: "broker", level: .debug, handler: self.logs)
        )
        self.port = try self.service.start()
    }

    func shutdown() {
        self.service.shutdown()
    }

    /// Sends one request on a new connection; `json` is sent with `Content-Type: application/json`.
    func request(
        _ method: String,
        _ path: String,
        json: String? = nil,
        headers: [(String, String)] = []
    ) throws -> RawHTTPResponse {
        var allHeaders = headers
        if json != nil, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            allHeaders.append(("Content-Type", "application/json"))
        }
        return try RawHTTPClient.request(
            port: self.port,
            method: method,
            path: path,
            headers: allHeaders,
            body: json.map { Array($0.utf8) }
        )
    }
}

extension RawHTTPResponse {
    /// The body parsed as a JSON object; records an issue and returns an empty object otherwise.
    func json(sourceLocation: SourceLocation = #_sourceLocation) -> JSONObject {
        guard case .object(let object)? = try? JSONParser.parse(self.body) else {
            Issue.record("body is not a JSON object: \(self.bodyText)", sourceLocation: sourceLocation)
            return JSONObject()
        }
        return object
    }

    /// The `error` code of a JSON error body.
    var errorCode: String? {
        guard case .object(let object)? = try? JSONParser.parse(self.body), case .string(let code)? = object["error"]
        else {
            return nil
        }
        return code
    }

    func string(_ key: String) -> String? {
        guard case .object(let object)? = try? JSONParser.parse(self.body), case .string(let text)? = object[key] else {
            return nil
        }
        return text
    }
}
