import BrokerAPI
import Logging
import TestSupport
import Testing

/// What the broker logs about access: one warning when it runs open, and never a token.
@Suite struct AccessLoggingTests {
    private func warnings(_ broker: LiveBroker) -> [LogEvent] {
        broker.logs.events.filter { $0.level >= .warning }
    }

    @Test func anOpenBrokerServesEveryoneAndWarnsOnce() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        #expect(try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#).status == 201)
        #expect(try broker.request("GET", "/sessions").status == 200)
        #expect(try broker.request("GET", "/stats", headers: AccessFixture.bearer("anything")).status == 200)
        #expect(
            try broker.request("POST", "/sessions/a/activate", headers: [("Authorization", "Basic eA==")]).status == 200
        )

        let warnings = self.warnings(broker)
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("no access tokens are configured") == true)
        #expect(warnings.first?.metadata["address"]?.hasPrefix("127.0.0.1:") == true)
    }

    @Test func aBrokerWithTokensDoesNotWarn() throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        #expect(try broker.request("GET", "/healthz").status == 200)

        #expect(self.warnings(broker).isEmpty)
    }

    @Test func noTokenEverReachesTheLog() throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        for secret in AccessFixture.secrets {
            let bearer = AccessFixture.bearer(secret)
            _ = try broker.request("POST", "/sessions", json: #"{"_id": "x-\#(secret.prefix(3))"}"#, headers: bearer)
            _ = try broker.request("POST", "/sessions/lease", json: #"{"count_use": "many"}"#, headers: bearer)
            _ = try broker.request("GET", "/stats", headers: bearer)
            _ = try broker.request("GET", "/sessions/missing", headers: bearer)
            _ = try broker.request("GET", "/pools/nope/sessions", headers: bearer)
            _ = try broker.request("GET", "/sessions/count", headers: [("Authorization", "Basic \(secret)")])
            _ = try broker.request("GET", "/sessions/count", headers: bearer + bearer)
        }

        let events = broker.logs.events
        #expect(events.contains { $0.message == "request" })
        for event in events {
            let text = ([event.message] + event.metadata.flatMap { [$0.key, $0.value] }).joined(separator: " ")
            for secret in AccessFixture.secrets {
                #expect(!text.contains(secret), "\(event.message) logs a token")
            }
        }
    }
}
