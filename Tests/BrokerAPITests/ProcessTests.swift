import Foundation
import SessionCore
import TestSupport
import Testing

/// The real `session-broker` executable, started as a child process on a free port.
final class BrokerProcess {
    let process = Process()
    let port: Int
    private let errors = Pipe()
    private let exited = DispatchSemaphore(value: 0)

    /// The executable built next to this test bundle.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("session-broker")
    }

    /// Starts the broker with `arguments` in `directory` and waits for its start-up line.
    init(arguments: [String], directory: URL) throws {
        self.process.executableURL = Self.executable
        self.process.arguments = ["serve", "--port", "0"] + arguments
        self.process.currentDirectoryURL = directory
        self.process.standardError = self.errors
        self.process.standardOutput = FileHandle.nullDevice
        self.process.terminationHandler = { [exited] _ in exited.signal() }
        try self.process.run()

        // The start-up line names the address; reading stops at end of file if the broker exits.
        var output = ""
        while !output.contains("broker started") || !output.contains("\n") {
            let data = self.errors.fileHandleForReading.availableData
            guard !data.isEmpty else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "broker exited: \(output)"])
            }
            output += String(decoding: data, as: UTF8.self)
        }
        let line = output.split(separator: "\n").first { $0.contains("broker started") } ?? ""
        guard let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
            let port = Int(address.split(separator: ":").last ?? "")
        else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no address in: \(line)"])
        }
        self.port = port
    }

    /// Sends `signal` and waits up to ten seconds for the process to end; returns its termination
    /// status, or nil when it had to be killed because it did not end.
    @discardableResult
    func stop(signal: Int32) -> Int32? {
        kill(self.process.processIdentifier, signal)
        guard self.exited.wait(timeout: .now() + 10) == .success else {
            kill(self.process.processIdentifier, SIGKILL)
            self.exited.wait()
            return nil
        }
        return self.process.terminationStatus
    }

    func request(_ method: String, _ path: String, json: String? = nil) throws -> RawHTTPResponse {
        try RawHTTPClient.request(
            port: self.port,
            method: method,
            path: path,
            headers: json == nil ? [] : [("Content-Type", "application/json")],
            body: json.map { Array($0.utf8) }
        )
    }
}

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
        let figures = try second.request("GET", "/stats").json()["pools"]?.objectValue?["default"]?.objectValue
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
