import Foundation
import TestSupport
import Testing

/// examples/python_worker.py against the real broker, with access tokens as a deployed broker has them.
@Suite struct PythonWorkerTests {
    private static let workerToken = "python-worker-test-worker"
    private static let adminToken = "python-worker-test-admin"
    private static let sessionIDs = ["py-1", "py-2", "py-3", "py-4", "py-5"]

    /// A broker requiring tokens, holding five sessions added with the admin token.
    private func broker(in directory: URL) throws -> BrokerProcess {
        let configuration = directory.appendingPathComponent("broker.json")
        try """
        {"auth": {"tokens": [{"role": "worker", "token": "\(Self.workerToken)"},
                             {"role": "admin", "token": "\(Self.adminToken)"}]}}
        """.write(to: configuration, atomically: true, encoding: .utf8)
        let broker = try BrokerProcess(
            arguments: ["--config", configuration.path, "--sqlite", ":memory:"],
            directory: directory
        )
        for id in Self.sessionIDs {
            let response = try self.request(broker, "POST", "/sessions", json: #"{"_id": "\#(id)", "session": {}}"#)
            #expect(response.status == 201)
        }
        return broker
    }

    private func request(
        _ broker: BrokerProcess,
        _ method: String,
        _ path: String,
        json: String? = nil
    ) throws -> RawHTTPResponse {
        var headers = [("Authorization", "Bearer \(Self.adminToken)")]
        if json != nil {
            headers.append(("Content-Type", "application/json"))
        }
        return try RawHTTPClient.request(
            port: broker.port,
            method: method,
            path: path,
            headers: headers,
            body: json.map { Array($0.utf8) }
        )
    }

    private func startWorker(broker: BrokerProcess, token: String, arguments: [String]) throws -> ScriptProcess {
        try ScriptProcess(
            "python3",
            [Repository.path("examples/python_worker.py"), "--name", "py"] + arguments,
            environment: ["BROKER_URL": "http://127.0.0.1:\(broker.port)", "BROKER_TOKEN": token]
        )
    }

    /// The number after `label` in the worker's summary line, such as 7 in "7 leases".
    private func count(_ label: String, in summary: String) -> Int? {
        let words = summary.split(whereSeparator: { " (),".contains($0) })
        guard let index = words.firstIndex(where: { $0 == label }), index > 0 else {
            return nil
        }
        return Int(words[index - 1])
    }

    @Test func workerLeasesUsesAndReportsUntilItsLeaseCount() throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try self.broker(in: directory)
        defer { broker.stop(signal: SIGTERM) }

        // Seven leases from five sessions held 2 s each: the sixth lease waits out a 429's Retry-After.
        let arguments = [
            "--leases", "7", "--delay", "2", "--work-time", "0.05", "--lock-period", "1", "--block-period", "1",
        ]
        let result = try self.startWorker(broker: broker, token: Self.workerToken, arguments: arguments)
            .wait(timeout: 30)

        #expect(result.status == 0, "\(result.transcript)")
        let leases = result.outputLines.map { $0.split(separator: "\t").map(String.init) }
        #expect(leases.count == 7)
        #expect(leases.allSatisfy { $0.count == 4 && $0[0] == "py" && Self.sessionIDs.contains($0[1]) })
        let summary = try #require(result.errors.split(separator: "\n").last.map(String.init))
        let successes = try #require(self.count("success", in: summary))
        let locks = try #require(self.count("lock", in: summary))
        let blocks = try #require(self.count("block", in: summary))
        #expect(self.count("leases", in: summary) == 7)
        #expect(successes + locks + blocks == 7)
        #expect((self.count("times", in: summary) ?? 0) >= 1, "no 429 seen: \(result.transcript)")

        // The broker counted what the worker did.
        var countUse = 0
        var countSuccess = 0
        for id in Self.sessionIDs {
            let response = try self.request(broker, "GET", "/sessions/\(id)")
            let document = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            countUse += document?["count_use"] as? Int ?? 0
            countSuccess += document?["count_success"] as? Int ?? 0
        }
        #expect(countUse == 7)
        #expect(countSuccess == successes)
    }

    @Test func workerWithoutAValidTokenStopsWithStatus2() throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try self.broker(in: directory)
        defer { broker.stop(signal: SIGTERM) }

        let missing = try self.startWorker(broker: broker, token: "", arguments: ["--leases", "1"]).wait(timeout: 15)
        let wrong = try self.startWorker(broker: broker, token: "not-a-token", arguments: ["--leases", "1"])
            .wait(timeout: 15)

        #expect(missing.status == 2, "\(missing.transcript)")
        #expect(missing.errors.contains("lease refused: HTTP 401"))
        #expect(wrong.status == 2, "\(wrong.transcript)")
        #expect(wrong.errors.contains("lease refused: HTTP 401"))
        #expect(missing.output.isEmpty && wrong.output.isEmpty)
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalStopsTheWorkerAtOnceWithASummary(signal: Int32, status: Int32) throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try self.broker(in: directory)
        defer { broker.stop(signal: SIGTERM) }

        // Every session held for an hour: the worker sleeps out a long Retry-After when the signal comes.
        for id in Self.sessionIDs {
            let locked = try self.request(broker, "POST", "/sessions/\(id)/lock", json: #"{"period": 3600}"#)
            #expect(locked.status == 200)
        }
        let worker = try self.startWorker(broker: broker, token: Self.workerToken, arguments: [])
        #expect(worker.errors.waitForLine(containing: "leasing from", timeout: 15) != nil)
        Thread.sleep(forTimeInterval: 0.3)
        worker.send(signal)
        let result = worker.wait(timeout: 5)

        #expect(result.status == status, "\(result.transcript)")
        #expect(result.errors.contains("py: 0 leases (0 success, 0 lock, 0 block)"))
    }
}
