import Foundation
import TestSupport
import Testing

/// What the image's runtime stage promises: it never serves open, keeps its store in its volume, runs as a user
/// other than root, and checks its health with the script the repository tests.
@Suite struct DockerfileTests {
    private let stage: DockerfileStage

    init() throws {
        self.stage = DockerfileStage(text: try String(contentsOfFile: Repository.path("Dockerfile"), encoding: .utf8))
    }

    @Test func imageNeverAllowsOpenAccessByItself() {
        let text = self.stage.instructions.map { "\($0.keyword) \($0.arguments)" }.joined(separator: "\n")

        #expect(!text.contains("ALLOW_OPEN_ACCESS"))
        #expect(!text.contains("allow-open-access"))
        #expect(self.stage.environment["BROKER_TOKENS"] == nil)
    }

    @Test func imageEnvironmentRefusesToServeWithoutTokens() throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = self.stage.environment
        #expect(environment["BROKER_HOST"] == "0.0.0.0")

        // The image's settings, with nothing kept on disk and no token or permission from the test's environment.
        environment["BROKER_PORT"] = "0"
        environment["BROKER_SQLITE_PATH"] = ":memory:"
        environment["BROKER_TOKENS"] = ""
        environment["BROKER_ALLOW_OPEN_ACCESS"] = ""
        environment["BROKER_CONFIG"] = ""
        environment["SWIFT_BACKTRACE"] = nil
        let result = try ScriptProcess.run(
            BrokerProcess.executable.path,
            ["serve"],
            environment: environment,
            directory: directory,
            timeout: 10
        )

        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.errors.contains("auth.tokens"))
        #expect(!result.errors.contains("broker started"))
    }

    @Test func storeLivesInTheVolumeAndTheUserIsNotRoot() throws {
        let sqlitePath = try #require(self.stage.environment["BROKER_SQLITE_PATH"])
        let volume = try #require(self.stage.arguments(of: "VOLUME").last)
        let user = try #require(self.stage.arguments(of: "USER").last)

        #expect(volume.contains("\"\(URL(fileURLWithPath: sqlitePath).deletingLastPathComponent().path)\""))
        #expect(!["root", "0"].contains(user.split(separator: ":").first.map(String.init) ?? ""))
    }

    @Test func healthcheckRunsTheScriptTheImageCopies() throws {
        let healthcheck = try #require(self.stage.arguments(of: "HEALTHCHECK").last)
        let copies = self.stage.arguments(of: "COPY")

        #expect(copies.contains("scripts/container-healthcheck.sh /usr/local/bin/session-broker-healthcheck"))
        #expect(healthcheck.hasSuffix(#"CMD ["bash", "/usr/local/bin/session-broker-healthcheck"]"#))
        #expect(self.stage.arguments(of: "ENTRYPOINT").last == #"["session-broker"]"#)
    }
}
