import Foundation
import TestSupport

/// A program run as a child process, its standard output and error read all along.
///
/// The program is looked up in `PATH`, so that `bash` and `python3` are found wherever the machine keeps them.
final class ScriptProcess {
    /// What the program has written to standard output so far.
    let output: ProcessOutput
    /// What the program has written to standard error so far.
    let errors: ProcessOutput
    private let process: Process
    private let exited: DispatchSemaphore

    /// Starts `command` with `arguments`; `environment` is added to the test process's own environment.
    ///
    /// - Throws: What `Process.run()` throws when `/usr/bin/env` cannot be started.
    init(_ command: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        let process = Process()
        let output = Pipe()
        let errors = Pipe()
        let exited = DispatchSemaphore(value: 0)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory ?? Repository.root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        self.process = process
        self.exited = exited
        self.output = ProcessOutput(reading: output.fileHandleForReading)
        self.errors = ProcessOutput(reading: errors.fileHandleForReading)
    }

    /// Runs `command` to its end and returns how it ended.
    ///
    /// This method BLOCKS for at most `timeout` seconds, after which the program is killed.
    static func run(
        _ command: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil,
        timeout: TimeInterval = 60
    ) throws -> ScriptResult {
        try ScriptProcess(command, arguments, environment: environment, directory: directory).wait(timeout: timeout)
    }

    /// Sends `signal` to the program.
    func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits for the program to end and for its output; kills it when it is still running after `timeout` seconds.
    ///
    /// The status of a program ended by a signal is 128 plus the signal's number, as a shell gives it.
    ///
    /// This method BLOCKS for at most `timeout` seconds, and a few more for the rest of the output.
    func wait(timeout: TimeInterval) -> ScriptResult {
        let ended = self.exited.wait(timeout: .now() + timeout) == .success
        if !ended {
            kill(self.process.processIdentifier, SIGKILL)
            self.exited.wait()
        }
        self.output.waitForEnd(timeout: 5)
        self.errors.waitForEnd(timeout: 5)
        // As a shell reports it: a program ended by a signal gets 128 plus the signal's number.
        let signalled = self.process.terminationReason == .uncaughtSignal
        let status = self.process.terminationStatus + (signalled ? 128 : 0)
        return ScriptResult(
            status: ended ? status : nil,
            output: self.output.contents,
            errors: self.errors.contents
        )
    }
}
