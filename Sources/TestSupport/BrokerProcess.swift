import Foundation

/// The real `session-broker` executable, started as a child process on a free port.
///
/// Its standard error, where it logs, is read all along (see ``log``), so that a broker logging a
/// lot never blocks on a full pipe.
public final class BrokerProcess {
    /// The port the broker listens on, on 127.0.0.1.
    public let port: Int
    /// What the broker has logged so far.
    public let log: ProcessOutput
    private let process: Process
    private let exited: DispatchSemaphore
    private var isStopped = false
    private var stopStatus: Int32?

    /// The executable built next to the test bundle running this code.
    public static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("session-broker")
    }

    /// Starts `session-broker serve --port 0` with `arguments` in `directory` and waits for its start-up line.
    ///
    /// This method BLOCKS until the broker has logged that it started, for at most 30 seconds.
    ///
    /// - Parameters:
    ///   - arguments: flags after `serve --port 0`.
    ///   - directory: the working directory of the broker.
    ///   - environment: variables set for the broker on top of this process's own, such as `BROKER_TOKENS`.
    /// - Throws: `CocoaError` when the broker exits or stays silent before that line, or the line names no port.
    public init(arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        let process = Process()
        let errors = Pipe()
        let exited = DispatchSemaphore(value: 0)
        process.executableURL = Self.executable
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let log = ProcessOutput(reading: errors.fileHandleForReading)

        // The start-up line names the address; waiting ends early if the broker exits.
        let line = log.waitForLine(containing: "broker started", timeout: 30)
        guard let port = line.flatMap(Self.port(inStartLine:)) else {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
            exited.wait()
            let reason = line.map { "no address in: \($0)" } ?? "broker exited: \(log.contents)"
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
        }
        self.process = process
        self.exited = exited
        self.log = log
        self.port = port
    }

    /// The port of the `address` in a start-up line, logged as logfmt (`address=host:port`) or
    /// JSON (`"address":"host:port"`).
    private static func port(inStartLine line: String) -> Int? {
        let separators: Set<Character> = [" ", ",", "\""]
        let fields = line.split { separators.contains($0) }
        guard let index = fields.firstIndex(where: { $0 == "address" || $0.hasPrefix("address=") }) else {
            return nil
        }
        let address = fields[index] == "address" ? fields.dropFirst(index + 1).first { $0 != ":" } : fields[index]
        return address.flatMap { Int($0.split(separator: ":").last ?? "") }
    }

    /// Sends `signal` and waits up to ten seconds for the process to end; returns its termination
    /// status, or nil when it had to be killed because it did not end.
    ///
    /// Once the process has ended, later calls send nothing and return the same status.
    @discardableResult
    public func stop(signal: Int32) -> Int32? {
        guard !self.isStopped else {
            return self.stopStatus
        }
        self.isStopped = true
        if self.process.isRunning {
            kill(self.process.processIdentifier, signal)
        }
        guard self.exited.wait(timeout: .now() + 10) == .success else {
            kill(self.process.processIdentifier, SIGKILL)
            self.exited.wait()
            return nil
        }
        self.stopStatus = self.process.terminationStatus
        return self.stopStatus
    }

    /// Sends one request on a new connection with `headers`; `json` goes with `Content-Type: application/json`.
    public func request(
        _ method: String,
        _ path: String,
        json: String? = nil,
        headers: [(String, String)] = []
    ) throws -> RawHTTPResponse {
        try RawHTTPClient.request(
            port: self.port,
            method: method,
            path: path,
            headers: headers + (json == nil ? [] : [("Content-Type", "application/json")]),
            body: json.map { Array($0.utf8) }
        )
    }
}
