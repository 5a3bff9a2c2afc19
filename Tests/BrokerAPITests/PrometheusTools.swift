import Foundation

/// The programs of Debian's `prometheus` package, which `scripts/install-deps.sh` installs.
enum PrometheusTools {
    /// The path of `name` on `PATH` or in `/usr/bin`; nil when it is not installed.
    static func path(of name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (directories + ["/usr/bin", "/usr/local/bin"])
            .map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Why a test cannot run without `name`.
    static func missing(_ name: String) -> String {
        "\(name) is not installed: run `bash scripts/install-deps.sh` (Debian package prometheus)"
    }

    /// Runs `promtool check metrics` on `text`; returns its exit status and what it printed.
    static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        guard let promtool = self.path(of: "promtool") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: self.missing("promtool")])
        }
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()

        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }
}
