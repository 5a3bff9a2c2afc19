import Foundation
import SessionCore
import TestSupport

/// A real Prometheus server on a loopback port, scraping one broker every second.
///
/// Its configuration names only that broker, with no alerting or remote storage, so it reaches
/// nothing else. It runs under a small shell that ends it when this process closes the shell's
/// standard input, which also happens when the test process dies.
final class PrometheusServer {
    /// The port of Prometheus's own HTTP API, on 127.0.0.1.
    let port: Int
    /// What Prometheus logged.
    let log: ProcessOutput
    private let shell: Process
    private let input: Pipe
    private let exited: DispatchSemaphore
    private let directory: URL

    /// Runs Prometheus (`$@`) in place of the shell, beside a watchdog that ends it when standard
    /// input reaches its end. Nothing here waits on a child: signals such as `SIGCHLD` may arrive
    /// blocked from the test process.
    private static let watchdog = """
        exec 3<&0
        ( while read -r _; do :; done <&3; kill -TERM $$ 2>/dev/null ) </dev/null >/dev/null 2>&1 &
        exec "$@" </dev/null 3<&-
        """

    /// Starts Prometheus scraping `/stats` of the broker on `brokerPort` and waits until it is ready.
    ///
    /// This method BLOCKS for at most 30 seconds a try; a port taken by someone else in the meantime
    /// is retried with another, up to three tries.
    init(scraping brokerPort: Int) throws {
        guard let binary = PrometheusTools.path(of: "prometheus") else {
            throw CocoaError(
                .fileNoSuchFile,
                userInfo: [NSLocalizedDescriptionKey: PrometheusTools.missing("prometheus")]
            )
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("prometheus.yml")
        try Self.configuration(brokerPort: brokerPort).write(to: configuration, atomically: true, encoding: .utf8)

        var failures: [String] = []
        for _ in 0..<3 {
            guard let port = LoopbackPort.free() else {
                failures.append("no free loopback port")
                continue
            }
            let arguments = [
                "--config.file=\(configuration.path)",
                "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
                "--log.level=warn",
            ]
            let shell = Process()
            let input = Pipe()
            let errors = Pipe()
            let exited = DispatchSemaphore(value: 0)
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", Self.watchdog, "prometheus-watchdog", binary] + arguments
            shell.standardInput = input
            shell.standardOutput = FileHandle.nullDevice
            shell.standardError = errors
            shell.terminationHandler = { _ in exited.signal() }
            try shell.run()
            let log = ProcessOutput(reading: errors.fileHandleForReading)

            if Self.waitUntilReady(port: port, shell: shell) {
                self.port = port
                self.log = log
                self.shell = shell
                self.input = input
                self.exited = exited
                self.directory = directory
                return
            }
            Self.end(shell, input: input, exited: exited)
            failures.append(log.contents)
        }
        try? FileManager.default.removeItem(at: directory)
        throw CocoaError(
            .fileReadUnknown,
            userInfo: [NSLocalizedDescriptionKey: "Prometheus did not start: \(failures.joined(separator: "\n"))"]
        )
    }

    private static func configuration(brokerPort: Int) -> String {
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: session-broker
            metrics_path: /stats
            static_configs:
              - targets: ['127.0.0.1:\(brokerPort)']

        """
    }

    /// Polls `/-/ready` until it answers 200 or the shell has exited, for at most 30 seconds.
    private static func waitUntilReady(port: Int, shell: Process) -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, shell.isRunning {
            if (try? RawHTTPClient.request(port: port, path: "/-/ready", timeout: .seconds(2)))?.status == 200 {
                return true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// The value of the single series an instant `query` returns; nil when it returns none or more.
    func query(_ query: String) throws -> String? {
        let encoded = query.utf8.map { byte -> String in
            let unreserved =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
                || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_")
            return unreserved ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        let response = try RawHTTPClient.request(port: self.port, path: "/api/v1/query?query=\(encoded.joined())")
        guard case .object(let body)? = try? JSONParser.parse(response.body),
            case .object(let data)? = body["data"], case .array(let results)? = data["result"], results.count == 1,
            case .object(let series) = results[0], case .array(let value)? = series["value"], value.count == 2,
            case .string(let text) = value[1]
        else {
            return nil
        }
        return text
    }

    /// Stops Prometheus and removes its data. BLOCKS for at most 20 seconds.
    func stop() {
        Self.end(self.shell, input: self.input, exited: self.exited)
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Closes the watchdog's input, which ends Prometheus, and kills it when it is still there 15 seconds later.
    private static func end(_ shell: Process, input: Pipe, exited: DispatchSemaphore) {
        try? input.fileHandleForWriting.close()
        if exited.wait(timeout: .now() + 15) != .success {
            kill(shell.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
        }
    }
}
