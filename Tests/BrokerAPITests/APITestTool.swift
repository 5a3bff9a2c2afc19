import Foundation
import TestSupport

/// A command of `.venv-api/` (schemathesis, openapi-spec-validator), run to its end or to a deadline.
struct APITestTool {
    /// What one run printed, and how it ended.
    struct Run {
        /// The exit status, or nil when the run was stopped at its deadline.
        var status: Int32?
        /// Standard output and standard error, interleaved.
        var output: String
    }

    /// The repository root, where `openapi.yaml` and `.venv-api/` are.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of the OpenAPI document.
    static var document: String {
        self.repositoryRoot.appendingPathComponent("openapi.yaml").path
    }

    let name: String

    var path: String {
        Self.repositoryRoot.appendingPathComponent(".venv-api/bin/\(self.name)").path
    }

    /// Runs the tool with `arguments` in `directory`, with no proxy and nothing but loopback to reach.
    ///
    /// This method BLOCKS until the tool exits or `timeout` seconds have passed; then it is sent SIGTERM,
    /// and SIGKILL five seconds later.
    ///
    /// - Throws: `CocoaError` when the tool is not installed or cannot be started.
    func run(_ arguments: [String], in directory: URL, timeout: TimeInterval) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: self.path) else {
            throw CocoaError(
                .fileNoSuchFile,
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "\(self.path) is missing; run `bash scripts/install-api-test-tools.sh` (`make test` runs it)"
                ]
            )
        }

        let process = Process()
        let output = Pipe()
        let exited = DispatchSemaphore(value: 0)
        process.executableURL = URL(fileURLWithPath: self.path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = Self.environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let text = ProcessOutput(reading: output.fileHandleForReading)

        var status: Int32?
        if exited.wait(timeout: .now() + timeout) == .success {
            status = process.terminationStatus
        } else {
            kill(process.processIdentifier, SIGTERM)
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        text.waitForEnd(timeout: 5)
        return Run(status: status, output: text.contents)
    }

    /// This process's environment without proxies, so that every request goes straight to loopback.
    private static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.lowercased().hasSuffix("_proxy") }
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return environment
    }
}
