import Foundation
import TestSupport

/// One run of the real `session-broker` executable to its end: what it wrote and how it exited.
struct CommandRun {
    let status: Int32
    let output: String
    let errors: String

    /// The lines written to standard output.
    var outputLines: [String] {
        self.output.split(separator: "\n").map(String.init)
    }

    /// The lines written to standard error.
    var errorLines: [String] {
        self.errors.split(separator: "\n").map(String.init)
    }

    /// Runs `session-broker` with `arguments` in `directory`, with `input` on its standard input.
    ///
    /// The environment holds no `BROKER_` variables but those of `environment`, and `directory`
    /// should hold no `config/broker.json`, so that only the arguments configure the run. This
    /// method BLOCKS until the process ends, for at most 120 seconds.
    static func run(
        _ arguments: [String],
        in directory: URL,
        input: [UInt8] = [],
        environment: [String: String] = [:]
    ) throws -> CommandRun {
        let (process, feed) = try self.start(arguments, in: directory, environment: environment)
        feed.write(Data(input))
        try feed.close()
        return process.finish()
    }

    /// Starts `session-broker` as ``run(_:in:input:environment:)`` does and returns it running,
    /// with its standard input open for the caller to write and close.
    static func start(
        _ arguments: [String],
        in directory: URL,
        environment: [String: String] = [:]
    ) throws -> (RunningCommand, FileHandle) {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.executableURL = BrokerProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BROKER_") }
            .merging(environment) { $1 }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let running = RunningCommand(
            process: process,
            exited: exited,
            output: ProcessOutput(reading: output.fileHandleForReading),
            errors: ProcessOutput(reading: errors.fileHandleForReading)
        )
        return (running, input.fileHandleForWriting)
    }
}

/// A `session-broker` process started by ``CommandRun/start(_:in:environment:)``.
struct RunningCommand {
    let process: Process
    let exited: DispatchSemaphore
    let output: ProcessOutput
    let errors: ProcessOutput

    /// Waits for the process to end (killing it after 120 seconds) and collects what it wrote.
    func finish() -> CommandRun {
        if self.exited.wait(timeout: .now() + 120) == .timedOut {
            kill(self.process.processIdentifier, SIGKILL)
            self.exited.wait()
        }
        self.output.waitForEnd(timeout: 10)
        self.errors.waitForEnd(timeout: 10)
        return CommandRun(
            status: self.process.terminationStatus,
            output: self.output.contents,
            errors: self.errors.contents
        )
    }
}
