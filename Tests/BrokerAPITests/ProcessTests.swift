import Foundation
import SessionCore
import TestSupport
import Testing

@Suite struct ProcessTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func acknowledgedWritesSurviveKill9() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["--sqlite", directory.appendingPathComponent("data/broker.sqlite3").path]

        // Write, lease and report through the first process, then kill it without warning.
        let first = try BrokerProcess(arguments: arguments, directory: directory)
        for index in 0..<20 {
            #expect(try first.request("POST", "/sessions", json: #"{"_id": "k\#(index)"}"#).status == 201)
        }
        var leased: [String] = []
        for _ in 0..<5 {
            let response = try first.request("POST", "/sessions/lease", json: #"{"next_use_delay": 3600}"#)
            leased.append(try #require(response.string("_id")))
        }
        #expect(try first.request("POST", "/sessions/\(leased[0])/success").status == 200)
        first.stop(signal: SIGKILL)

        // Everything acknowledged is there after a restart.
        let second = try BrokerProcess(arguments: arguments, directory: directory)
        defer { second.stop(signal: SIGTERM) }
        let figures = try second.request("GET", "/stats?format=json").json()["pools"]?.objectValue?["default"]?
            .objectValue
        #expect(figures?["total"] == .int(20))
        #expect(figures?["count_use"] == .int(5))
        #expect(figures?["count_success"] == .int(1))
        #expect(figures?["cooling"] == .int(5))
        #expect(try second.request("GET", "/sessions/\(leased[4])").string("last_use") != nil)
    }

    @Test func sigtermStopsCleanlyWithStatusZero() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try BrokerProcess(arguments: ["--sqlite", ":memory:"], directory: directory)

        #expect(try broker.request("GET", "/healthz").status == 200)

        #expect(broker.stop(signal: SIGTERM) == 0)
    }

    @Test func badConfigurationExits64NamingTheKey() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        let errors = Pipe()
        process.executableURL = BrokerProcess.executable
        process.arguments = ["--port", "99999"]
        process.currentDirectoryURL = directory
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice

        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 64)
        #expect(message.contains("--port"))
    }
}
