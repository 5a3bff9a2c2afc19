import Foundation
import TestSupport

/// `scripts/seed-worker.py`, a worker of the old Python library leasing straight from MongoDB,
/// run as a child process with the test venv's Python.
final class SeedWorker {
    private let process: Process
    private let output: ProcessOutput
    private let errors: ProcessOutput
    private let exited: DispatchSemaphore
    private var hasExited = false

    /// Starts the worker on `collection` of `database`; it takes `leases` leases holding each session
    /// `delay` seconds, and gives up after `timeout` seconds.
    ///
    /// - Throws: when the interpreter cannot be run.
    init(url: String, database: String, collection: String, leases: Int, delay: Double, timeout: Double) throws {
        let process = Process()
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let exited = DispatchSemaphore(value: 0)
        process.executableURL = URL(fileURLWithPath: MongoTestServer.pythonPath)
        process.arguments = [
            MongoTestServer.repositoryRoot + "/scripts/seed-worker.py",
            "--url", url, "--database", database, "--collection", collection,
            "--leases", String(leases), "--delay", String(delay), "--timeout", String(timeout),
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        self.process = process
        self.exited = exited
        self.output = ProcessOutput(reading: outputPipe.fileHandleForReading)
        self.errors = ProcessOutput(reading: errorPipe.fileHandleForReading)
    }

    /// Whether the worker is still running.
    var isRunning: Bool {
        self.process.isRunning
    }

    /// The leases it printed so far.
    var leases: [LeaseRecord] {
        self.output.lines.compactMap(LeaseRecord.init(seedWorkerLine:))
    }

    /// What it printed that is not a lease, and what it wrote to standard error.
    var otherOutput: String {
        self.output.lines.filter { LeaseRecord(seedWorkerLine: $0) == nil }.joined(separator: "\n")
            + self.errors.contents
    }

    /// Waits until it has printed its first lease, for at most `timeout` seconds; false when it did not.
    func waitForFirstLease(timeout: TimeInterval) -> Bool {
        self.output.waitForLine(containing: #""id""#, timeout: timeout) != nil
    }

    /// Waits for it to exit, for at most `timeout` seconds, and returns its exit status, or nil
    /// when it is still running.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        if !self.hasExited {
            guard self.exited.wait(timeout: .now() + timeout) == .success else {
                return nil
            }
            self.hasExited = true
        }
        self.output.waitForEnd(timeout: 5)
        return self.process.terminationStatus
    }

    /// Ends it with SIGKILL if it is still running, and waits for it.
    func stop() {
        if self.waitForExit(timeout: 0) == nil {
            kill(self.process.processIdentifier, SIGKILL)
            _ = self.waitForExit(timeout: 10)
        }
    }
}
