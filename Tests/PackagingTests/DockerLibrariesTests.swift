import Foundation
import TestSupport
import Testing

/// scripts/check-docker-libraries.sh on the broker built for these tests.
///
/// The debug build links the same shared libraries as the image's release build (the module maps name them, not
/// the build configuration); it links the Swift runtime dynamically, which the release build links statically, so
/// the script is told to skip the toolchain's libraries. A release build here would take minutes.
@Suite struct DockerLibrariesTests {
    private let script = Repository.path("scripts/check-docker-libraries.sh")

    private func check(dockerfile: String? = nil) throws -> ScriptResult {
        var arguments = [self.script, "--ignore-swift-runtime"]
        if let dockerfile {
            arguments += ["--dockerfile", dockerfile]
        }
        return try ScriptProcess.run("bash", arguments + [BrokerProcess.executable.path], timeout: 60)
    }

    /// Writes the repository's Dockerfile with `original` replaced by `replacement` into `directory`.
    private func alteredDockerfile(
        in directory: URL,
        replacing original: String,
        with replacement: String
    ) throws -> String {
        let text = try String(contentsOfFile: Repository.path("Dockerfile"), encoding: .utf8)
        #expect(text.contains(original))
        let file = directory.appendingPathComponent("Dockerfile")
        let altered = text.replacingOccurrences(of: original, with: replacement)
        try altered.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func runtimeStageInstallsEveryLibraryTheBrokerLinks() throws {
        let result = try self.check()

        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.outputLines.last?.hasPrefix("OK:") == true, "\(result.transcript)")

        // Not vacuous: the libraries of both stores were found, and what libmongoc links comes along with it.
        for package in ["libsqlite3-0", "libmongoc-1.0-0", "libbson-1.0-0"] {
            let lines = result.outputLines.filter { $0.contains(" \(package) ") }
            #expect(lines.contains { $0.hasSuffix("named in the runtime stage's apt-get install") }, "\(package)")
        }
        #expect(result.outputLines.contains { $0.contains(" libssl3 ") && $0.contains("installed along with") })
        #expect(!result.output.contains("MISSING"))
    }

    @Test func aPackageMissingFromTheRuntimeStageFailsTheCheck() throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = try self.alteredDockerfile(in: directory, replacing: " libmongoc-1.0-0 ", with: " ")

        let result = try self.check(dockerfile: dockerfile)

        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.output.contains("MISSING: add libmongoc-1.0-0 to the runtime apt-get install"))
        #expect(result.output.contains("MISSING: add libmongocrypt0 to the runtime apt-get install"))
    }

    @Test func aPackageInstalledForNothingFailsTheCheck() throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = try self.alteredDockerfile(
            in: directory,
            replacing: " ca-certificates ",
            with: " ca-certificates curl "
        )

        let result = try self.check(dockerfile: dockerfile)

        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.output.contains("UNNEEDED: the runtime stage installs curl"))
    }
}
