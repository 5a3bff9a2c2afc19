import BrokerAPI
import BrokerApp
import Foundation
import SessionCore
import Testing

@Suite struct TokenSettingsTests {
    private func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "broker-tokens-\(UInt64.random(in: 0...UInt64.max)).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func load(
        file text: String? = nil,
        flags: [String: String] = [:],
        environment: [String: String] = [:]
    ) throws -> Configuration {
        var flags = flags
        if let text {
            let path = try self.file(text)
            flags["config"] = path
        }
        defer { flags["config"].map { try? FileManager.default.removeItem(atPath: $0) } }
        return try ConfigurationLoader.load(flags: flags, environment: environment)
    }

    private func error(file text: String? = nil, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try self.load(file: text, environment: environment)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func readsSecretsAndDigestsFromTheFile() throws {
        let digest = SHA256.hash("admin-secret").hexadecimal
        let configuration = try self.load(
            file: """
                {"auth": {"tokens": [
                  {"role": "worker", "token": "worker-secret"},
                  {"role": "ADMIN", "sha256": "\(digest.uppercased())"},
                  {"role": "metrics", "token": "scrape:me"}
                ]}}
                """
        )

        #expect(
            configuration.access.tokens == [
                AccessToken(role: .worker, secret: "worker-secret"),
                AccessToken(role: .admin, digest: SHA256.hash("admin-secret")),
                AccessToken(role: .metrics, secret: "scrape:me"),
            ]
        )
        #expect(!configuration.access.allowOpenAccess)
    }

    @Test func readsRoleTokenPairsFromTheEnvironmentAndAddsThemToTheFilesTokens() throws {
        let configuration = try self.load(
            file: #"{"auth": {"tokens": [{"role": "admin", "token": "from-file"}]}}"#,
            environment: ["BROKER_TOKENS": "worker:abc, admin:def:ghi ,Metrics:m"]
        )

        #expect(
            configuration.access.tokens == [
                AccessToken(role: .admin, secret: "from-file"),
                AccessToken(role: .worker, secret: "abc"),
                AccessToken(role: .admin, secret: "def:ghi"),
                AccessToken(role: .metrics, secret: "m"),
            ]
        )
        #expect(configuration.access.summary == "worker=1,admin=2,metrics=1")
    }

    @Test func withoutTokensTheBrokerIsOpen() throws {
        let configuration = try self.load(environment: ["BROKER_TOKENS": ""])

        #expect(configuration.access.isOpen)
        #expect(configuration.access.policy.isOpen)
        #expect(configuration.summary["auth"] == "open")
    }

    @Test(arguments: [
        (#"{"auth": {"tokens": [{"role": "root", "token": "t"}]}}"#, "auth.tokens[0].role"),
        (#"{"auth": {"tokens": [{"token": "t"}]}}"#, "auth.tokens[0].role"),
        (#"{"auth": {"tokens": [{"role": "worker", "token": ""}]}}"#, "auth.tokens[0].token"),
        (#"{"auth": {"tokens": [{"role": "worker", "token": "has space"}]}}"#, "auth.tokens[0].token"),
        (#"{"auth": {"tokens": [{"role": "worker", "token": 12}]}}"#, "auth.tokens[0].token"),
        (#"{"auth": {"tokens": [{"role": "worker"}]}}"#, "auth.tokens[0]"),
        (#"{"auth": {"tokens": [{"role": "worker", "token": "a", "sha256": "b"}]}}"#, "auth.tokens[0]"),
        (#"{"auth": {"tokens": [{"role": "admin", "sha256": "abc123"}]}}"#, "auth.tokens[0].sha256"),
        (
            #"{"auth": {"tokens": [{"role": "admin", "sha256": "\#(String(repeating: "g", count: 64))"}]}}"#,
            "auth.tokens[0].sha256"
        ),
        (#"{"auth": {"tokens": [{"role": "admin", "token": "a", "secret": "b"}]}}"#, "auth.tokens[0].secret"),
        (#"{"auth": {"tokens": [{"role": "admin", "token": "a"}, "b"]}}"#, "auth.tokens[1]"),
        (#"{"auth": {"tokens": {"role": "admin", "token": "a"}}}"#, "auth.tokens"),
        (#"{"auth": {"allow_open": "yes"}}"#, "auth.allow_open"),
        (#"{"auth": {"token": []}}"#, "auth.token"),
        (#"{"auth": []}"#, "auth"),
    ])
    func badTokenSettingsInTheFileNameTheirKey(text: String, key: String) {
        #expect(self.error(file: text)?.key == key)
    }

    @Test(arguments: [
        ("root:secret-1", "unknown role"),
        ("secret-1", "no colon"),
        ("worker:", "empty"),
        ("worker:secret 1", "visible ASCII"),
        ("worker:secret-1,", "pair 2 is empty"),
        ("worker:secret-1,,admin:secret-2", "pair 2 is empty"),
        (",worker:secret-1", "pair 1 is empty"),
        ("secret-1:worker", "unknown role"),
    ])
    func badPairsInTheEnvironmentNameTheVariableButNotTheSecret(pairs: String, reason: String) throws {
        let error = try #require(self.error(environment: ["BROKER_TOKENS": pairs]))

        #expect(error.key.hasPrefix("BROKER_TOKENS"))
        #expect(error.description.contains(reason))
        #expect(!error.description.contains("secret"))
    }

    @Test func openAccessIsAllowedByTheFileTheEnvironmentOrTheFlag() throws {
        #expect(try self.load(file: #"{"auth": {"allow_open": true}}"#).access.allowOpenAccess)
        #expect(try self.load(environment: ["BROKER_ALLOW_OPEN_ACCESS": "true"]).access.allowOpenAccess)
        #expect(try self.load(flags: ["allow-open-access": "true"]).access.allowOpenAccess)
        let overridden = try self.load(
            file: #"{"auth": {"allow_open": true}}"#,
            flags: ["allow-open-access": "false"]
        )
        #expect(!overridden.access.allowOpenAccess)
        #expect(self.error(environment: ["BROKER_ALLOW_OPEN_ACCESS": "yes"])?.key == "BROKER_ALLOW_OPEN_ACCESS")

        #expect(try CommandLineArguments.parse(["--allow-open-access"]) == .serve(flags: ["allow-open-access": "true"]))
        #expect(
            try CommandLineArguments.parse(["serve", "--allow-open-access=false", "--port", "1"])
                == .serve(flags: ["allow-open-access": "false", "port": "1"])
        )
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true),
        ("0.0.0.0", false), ("::", false), ("10.0.0.1", false), ("128.0.0.1", false), ("::2", false),
        ("::ffff:10.0.0.1", false), ("fe80::1", false), ("localhost", false),
    ])
    func knowsLoopbackAddresses(host: String, loopback: Bool) {
        #expect(TokenSettings.isLoopback(host) == loopback)
    }

    @Test func anOpenBrokerRefusesAddressesBeyondLoopbackUnlessAllowed() throws {
        var settings = TokenSettings()
        #expect(throws: Never.self) { try settings.checkExposure(host: "127.0.0.1") }
        #expect(throws: Never.self) { try settings.checkExposure(host: "::1") }

        var refusal: ConfigurationError?
        do {
            try settings.checkExposure(host: "0.0.0.0")
        } catch {
            refusal = error
        }
        #expect(refusal?.key == "auth.tokens")
        #expect(refusal?.message.contains("0.0.0.0") == true)
        #expect(refusal?.message.contains("BROKER_ALLOW_OPEN_ACCESS") == true)

        settings.allowOpenAccess = true
        #expect(throws: Never.self) { try settings.checkExposure(host: "0.0.0.0") }

        settings.allowOpenAccess = false
        settings.tokens = [AccessToken(role: .admin, secret: "s")]
        #expect(throws: Never.self) { try settings.checkExposure(host: "::") }
    }

    /// The service refuses before it opens its store or creates its server, so nothing is bound.
    @Test func theServiceRefusesToServeOpenBeyondLoopback() {
        var configuration = Configuration()
        configuration.host = "0.0.0.0"
        configuration.port = 0
        configuration.sqlitePath = ":memory:"

        do {
            _ = try BrokerService(configuration: configuration)
            Issue.record("the service accepted an open configuration on 0.0.0.0")
        } catch let error as ConfigurationError {
            #expect(error.key == "auth.tokens")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theSummaryCountsTokensButNeverShowsThem() throws {
        let configuration = try self.load(environment: ["BROKER_TOKENS": "worker:very-secret-w,admin:very-secret-a"])

        #expect(configuration.summary["auth"] == "worker=1,admin=1")
        for (key, value) in configuration.summary {
            #expect(!key.contains("very-secret") && !value.contains("very-secret"))
        }
    }
}
