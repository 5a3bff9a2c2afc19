import Foundation
import SessionCore
import TestSupport
import Testing

/// What the broker writes to its log: one line per event, in the chosen format, never a payload.
@Suite struct LogContentTests {
    private static let secret = "payload-secret-7f3a"

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs requests that carry, return, change and fail on a payload, at the most verbose level.
    private func exercise(_ broker: BrokerProcess) throws {
        let document = #"{"_id": "p1", "session": {"token": "\#(Self.secret)"}}"#
        #expect(try broker.request("POST", "/sessions", json: document).status == 201)
        #expect(try broker.request("POST", "/sessions", json: document).status == 409)
        #expect(try broker.request("POST", "/sessions/lease", json: "{}").status == 200)
        #expect(try broker.request("GET", "/sessions/p1").status == 200)
        let badPatch = #"{"set": {"session.token.inner": "\#(Self.secret)"}}"#
        #expect(try broker.request("PATCH", "/sessions/p1", json: badPatch).status == 400)
        #expect(try broker.request("POST", "/sessions", json: #"{"session": "\#(Self.secret)"}"#).status == 400)
        #expect(try broker.request("GET", "/sessions/missing").status == 404)
    }

    @Test(arguments: ["logfmt", "json"])
    func noPayloadReachesTheLogAndEveryLineIsOneEvent(format: String) throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try BrokerProcess(
            arguments: ["--sqlite", ":memory:", "--log-level", "trace", "--log-format", format],
            directory: directory
        )

        try self.exercise(broker)
        #expect(broker.stop(signal: SIGTERM) == 0)
        _ = broker.log.waitForEnd(timeout: 10)

        let lines = broker.log.lines.filter { !$0.isEmpty }
        #expect(lines.count > 10)
        #expect(!broker.log.contents.contains(Self.secret))
        for line in lines {
            if format == "json" {
                let parsed = try? JSONParser.parse(Array(line.utf8))
                #expect(parsed?.objectValue?["msg"] != nil, "not one JSON event: \(line)")
            } else {
                #expect(line.hasPrefix("time="), "not one logfmt event: \(line)")
                #expect(line.contains(" msg="), "no message: \(line)")
            }
        }
    }
}
