import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running `scripts/mongo-test-server.py` child, owned by a `MongoTestServer`.
///
/// The child's stdin is a pipe whose write end only this object holds: when it is closed, or when
/// the test process dies, the child sees end of file and exits on its own.
///
/// Not thread-safe: `MongoTestServer` calls it under its lock.
final class MongoTestServerProcess {
    /// The port the child listens on, on 127.0.0.1, known once `launch` has returned.
    private(set) var port = 0

    private let process: Process
    private let input: Pipe
    private let output: Pipe
    private let exited: DispatchSemaphore
    private var hasExited = false
    private var isInputOpen = true
    private var isSuspended = false

    private init(process: Process, input: Pipe, output: Pipe, exited: DispatchSemaphore) {
        self.process = process
        self.input = input
        self.output = output
        self.exited = exited
    }

    deinit {
        self.resume()
        self.closeInput()
    }

    /// Starts the server and returns once it accepts connections.
    ///
    /// This method BLOCKS until the child prints its URL, for at most `timeout` seconds.
    ///
    /// - Parameters:
    ///   - port: The port to listen on, or 0 for a free one.
    ///   - dataPath: A SQLite file that keeps the data across restarts, or `nil` to keep it in memory.
    ///   - timeout: How long the child may take to start.
    /// - Throws: `MongoTestServerError` when the venv is missing, or the child exits, fails or is late.
    static func launch(port: Int, dataPath: String?, timeout: TimeInterval = 30) throws -> MongoTestServerProcess {
        let python = MongoTestServer.pythonPath
        let script = MongoTestServer.repositoryRoot + "/scripts/mongo-test-server.py"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw MongoTestServerError(
                "no MongoDB test server: \(python) is missing; run `bash scripts/install-mongo-test-server.sh` "
                    + "(`make test` runs it) or set BROKER_TEST_MONGO_URL to a MongoDB server"
            )
        }

        var arguments = [script, "--port", String(port)]
        if let dataPath {
            arguments += ["--data", dataPath]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }

        do {
            try process.run()
        } catch {
            throw MongoTestServerError("cannot run \(python) \(script): \(error)")
        }
        let child = MongoTestServerProcess(process: process, input: input, output: output, exited: exited)

        // Until the child has printed its URL it is not ours to keep; any failure kills it.
        let line: String
        do {
            line = try child.readLine(timeout: timeout)
        } catch {
            child.killNow()
            throw error
        }
        guard line.hasPrefix("mongodb://127.0.0.1:"), let actual = Int(line.dropFirst("mongodb://127.0.0.1:".count))
        else {
            child.killNow()
            throw MongoTestServerError("unexpected first line from \(script): \(line)")
        }
        child.port = actual
        return child
    }

    /// Freezes the child with SIGSTOP: its listening socket and connections stay open, but it
    /// answers nothing until ``resume()``. Does nothing once it has exited or while it is frozen.
    func suspend() {
        guard !self.hasExited, !self.isSuspended, self.process.isRunning else {
            return
        }
        _ = kill(self.process.processIdentifier, SIGSTOP)
        self.isSuspended = true
    }

    /// Lets a child frozen by ``suspend()`` run again with SIGCONT; does nothing otherwise.
    func resume() {
        guard self.isSuspended else {
            return
        }
        self.isSuspended = false
        if !self.hasExited && self.process.isRunning {
            _ = kill(self.process.processIdentifier, SIGCONT)
        }
    }

    /// Stops the child: SIGTERM and end of file on its stdin, then SIGKILL if it is still there after `grace`.
    ///
    /// A frozen child is resumed first, so that it can handle SIGTERM. This method BLOCKS until the
    /// child has exited, for at most `grace` plus 5 seconds.
    func stop(grace: TimeInterval = 10) {
        guard !self.hasExited else {
            return
        }

        self.resume()
        if self.process.isRunning {
            self.process.terminate()
        }
        self.closeInput()
        if self.exited.wait(timeout: .now() + grace) == .success {
            self.hasExited = true
            return
        }

        self.killNow()
    }

    private func killNow() {
        guard !self.hasExited else {
            return
        }
        if self.process.isRunning {
            _ = kill(self.process.processIdentifier, SIGKILL)
        }
        self.closeInput()
        self.hasExited = self.exited.wait(timeout: .now() + 5) == .success
    }

    private func closeInput() {
        guard self.isInputOpen else {
            return
        }
        self.isInputOpen = false
        try? self.input.fileHandleForWriting.close()
    }

    /// Reads the child's first stdout line, waiting on the pipe itself for at most `timeout` seconds.
    private func readLine(timeout: TimeInterval) throws -> String {
        let deadline = Date(timeIntervalSinceNow: timeout)
        let descriptor = self.output.fileHandleForReading.fileDescriptor
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)

        while !bytes.contains(UInt8(ascii: "\n")) {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw MongoTestServerError("the MongoDB test server did not start within \(Int(timeout)) seconds")
            }

            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready < 0 && errno != EINTR {
                throw MongoTestServerError("cannot wait for the MongoDB test server: errno \(errno)")
            }
            guard ready > 0 else {
                continue
            }

            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR {
                continue
            }
            guard count > 0 else {
                throw MongoTestServerError(self.describeEarlyExit())
            }
            bytes += chunk[0..<count]
        }

        let line = bytes.prefix { $0 != UInt8(ascii: "\n") }
        return String(decoding: line, as: UTF8.self)
    }

    private func describeEarlyExit() -> String {
        guard self.exited.wait(timeout: .now() + 5) == .success else {
            return "the MongoDB test server closed its stdout without printing its URL"
        }
        self.hasExited = true
        let status = self.process.terminationStatus
        let how = self.process.terminationReason == .exit ? "with status \(status)" : "on signal \(status)"
        return "the MongoDB test server exited \(how) before accepting connections (its stderr is above)"
    }
}
