import Foundation
import SessionCore
import Synchronization
import TestSupport
import Testing

@Suite struct PipeliningAndConcurrencyTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        let client = try RawHTTPClient.connect(port: broker.port)
        defer { client.close() }

        // Store work and inline answers interleave; the answers must still come back in request order.
        let requests: [[UInt8]] = [
            RawHTTPClient.requestBytes(
                method: "POST",
                path: "/sessions",
                headers: [("Content-Type", "application/json")],
                body: Array(#"{"_id": "p1"}"#.utf8)
            ),
            RawHTTPClient.requestBytes(path: "/healthz"),
            RawHTTPClient.requestBytes(method: "POST", path: "/sessions/lease"),
            RawHTTPClient.requestBytes(path: "/nope"),
            RawHTTPClient.requestBytes(method: "POST", path: "/sessions/p1/success"),
            RawHTTPClient.requestBytes(method: "POST", path: "/sessions/lease"),
            RawHTTPClient.requestBytes(path: "/sessions/count"),
        ]
        try client.send(requests.flatMap { $0 })

        let statuses = try (0..<requests.count).map { _ in try client.readResponse() }
        #expect(statuses.map(\.status) == [201, 200, 200, 404, 200, 429, 200])
        #expect(statuses[2].string("_id") == "p1")
        #expect(statuses[4].json()["count_success"] == .int(1))
        #expect(statuses[6].json()["available"] == .int(0))
    }

    @Test func thirtyTwoClientsNeverShareASessionAndCountersAreExact() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        let sessions = 300
        for index in 0..<sessions {
            let created = try broker.request("POST", "/sessions", json: #"{"_id": "s\#(index)"}"#)
            #expect(created.status == 201)
        }

        // 32 keep-alive clients try 15 leases each with a long cooldown: 480 attempts for 300 sessions.
        let leased = Mutex([String]())
        let refused = Atomic<Int>(0)
        let failures = Mutex([String]())
        let port = broker.port
        runConcurrently(32) { _ in
            do {
                let client = try RawHTTPClient.connect(port: port)
                defer { client.close() }
                for _ in 0..<15 {
                    try client.send(
                        RawHTTPClient.requestBytes(
                            method: "POST",
                            path: "/sessions/lease",
                            headers: [("Content-Type", "application/json")],
                            body: Array(#"{"next_use_delay": 600}"#.utf8)
                        )
                    )
                    let response = try client.readResponse()
                    switch response.status {
                    case 200: leased.withLock { $0.append(response.string("_id") ?? "?") }
                    case 429: refused.add(1, ordering: .relaxed)
                    default: failures.withLock { $0.append("status \(response.status)") }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }

        let ids = leased.withLock { $0 }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(ids.count == sessions)
        #expect(Set(ids).count == sessions)
        #expect(refused.load(ordering: .relaxed) == 32 * 15 - sessions)

        let figures = try broker.request("GET", "/stats?format=json").json()["pools"]?.objectValue?["default"]?
            .objectValue
        #expect(figures?["count_use"] == .int(Int64(sessions)))
        #expect(figures?["available"] == .int(0))
        #expect(figures?["cooling"] == .int(Int64(sessions)))
    }
}
