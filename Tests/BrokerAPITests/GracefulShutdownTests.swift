import Foundation
import SessionCore
import Synchronization
import TestSupport
import Testing

/// SIGTERM under load: every request the broker took is answered and committed, and it exits 0.
@Suite struct GracefulShutdownTests {
    /// What the workers saw, summed over all of them.
    private struct Tally {
        var leases = 0
        var successes = 0
        var exchanges = 0
        var malformed: [String] = []
    }

    /// The workers' shared tally.
    private final class Counts: Sendable {
        private let tally = Mutex(Tally())

        func withLock<Result: Sendable>(_ body: (inout Tally) -> Result) -> Result {
            self.tally.withLock { body(&$0) }
        }
    }

    @Test func sigtermUnderLoadAnswersWhatItTookAndLosesNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["--sqlite", directory.appendingPathComponent("broker.sqlite3").path]
        let broker = try BrokerProcess(arguments: arguments, directory: directory)
        for index in 0..<40 {
            #expect(try broker.request("POST", "/sessions", json: #"{"_id": "g\#(index)"}"#).status == 201)
        }

        // Eight keep-alive workers lease and report in a loop until the broker closes on them.
        let tally = Counts()
        let workers = DispatchGroup()
        let port = broker.port
        for _ in 0..<8 {
            DispatchQueue.global().async(group: workers) {
                Self.work(port: port, tally: tally)
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while tally.withLock({ $0.exchanges }) < 400, ContinuousClock.now < deadline {
            _ = workers.wait(timeout: .now() + .milliseconds(10))
        }
        let before = tally.withLock { $0.exchanges }

        let signalled = ContinuousClock.now
        let status = broker.stop(signal: SIGTERM)
        let stopping = ContinuousClock.now - signalled
        let joined = workers.wait(timeout: .now() + 15)

        #expect(before >= 400)
        #expect(status == 0)
        #expect(stopping < .seconds(10))
        #expect(joined == .success)
        let seen = tally.withLock { $0 }
        #expect(seen.malformed.isEmpty, "\(seen.malformed.prefix(3))")

        // Every lease and success that was answered 200 is in the database, and nothing else is.
        let restarted = try BrokerProcess(arguments: arguments, directory: directory)
        defer { restarted.stop(signal: SIGTERM) }
        let figures = try restarted.request("GET", "/stats?format=json").json()["pools"]?.objectValue?["default"]
        #expect(figures?.objectValue?["count_use"] == .int(Int64(seen.leases)))
        #expect(figures?.objectValue?["count_success"] == .int(Int64(seen.successes)))
    }

    /// Leases and reports on one connection until it closes; a response that is not whole and
    /// well-formed is recorded as malformed.
    private static func work(port: Int, tally: Counts) {
        guard let client = try? RawHTTPClient.connect(port: port) else {
            return
        }
        defer { client.close() }
        while true {
            guard let lease = Self.exchange(client, "/sessions/lease", #"{"next_use_delay": 0}"#, tally: tally) else {
                return
            }
            guard lease.status == 200, let id = lease.string("_id") else {
                continue
            }
            tally.withLock { $0.leases += 1 }
            guard let success = Self.exchange(client, "/sessions/\(id)/success", "{}", tally: tally) else {
                return
            }
            if success.status == 200 {
                tally.withLock { $0.successes += 1 }
            }
            if success.header("Connection")?.lowercased() == "close" {
                return
            }
        }
    }

    /// How a connection the broker has closed shows itself to a client that is sending or reading.
    private static let closings: Set<RawHTTPClientError.Kind> = [.closedBeforeResponse, .sendFailed, .receiveFailed]

    /// One POST; nil once the connection is closed before a response arrives.
    private static func exchange(
        _ client: RawHTTPClient,
        _ path: String,
        _ body: String,
        tally: Counts
    ) -> RawHTTPResponse? {
        let request =
            "POST \(path) HTTP/1.1\r\nHost: broker\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        do {
            try client.send(request)
            let response = try client.readResponse(timeout: .seconds(15))
            tally.withLock { $0.exchanges += 1 }
            return response
        } catch let error as RawHTTPClientError where Self.closings.contains(error.kind) {
            // Closed (or refused) before the broker took the request: nothing was done for it, which
            // the count in the database checks.
            return nil
        } catch {
            tally.withLock { $0.malformed.append("\(error)") }
            return nil
        }
    }
}
