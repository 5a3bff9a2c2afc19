import BrokerAPI
import TestSupport
import Testing

/// How the `Authorization` field is read: its forms, its scheme's case, and what each failure says.
@Suite struct AccessHeaderTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var fields: [String]
        var status: Int
        /// The `error` parameter of the `WWW-Authenticate` challenge on 401, if any.
        var challengeError: String?

        init(_ name: String, _ fields: [String], _ status: Int, _ challengeError: String? = nil) {
            self.name = name
            self.fields = fields
            self.status = status
            self.challengeError = challengeError
        }

        var testDescription: String {
            self.name
        }
    }

    static let worker = AccessFixture.worker

    static let cases: [Case] = [
        Case("no field", [], 401),
        Case("Bearer alone", ["Bearer"], 401, "invalid_request"),
        Case("Bearer and blanks", ["Bearer \t "], 401, "invalid_request"),
        Case("Basic scheme", ["Basic d29ya2VyOnNlY3JldA=="], 401),
        Case("Token scheme", ["Token \(worker)"], 401),
        Case("no scheme", [worker], 401),
        Case("no space after Bearer", ["Bearer\(worker)"], 401),
        Case("longer token", ["Bearer \(worker)x"], 401, "invalid_token"),
        Case("shorter token", ["Bearer \(worker.dropLast())"], 401, "invalid_token"),
        Case("token in upper case", ["Bearer \(worker.uppercased())"], 401, "invalid_token"),
        Case("two fields", ["Bearer \(worker)", "Bearer \(worker)"], 401, "invalid_request"),
        Case("Bearer", ["Bearer \(worker)"], 200),
        Case("bearer in lower case", ["bearer \(worker)"], 200),
        Case("BEARER in upper case", ["BEARER \(worker)"], 200),
        Case("several blanks", ["Bearer \t \(worker)"], 200),
        Case("trailing blanks", ["Bearer \(worker)  "], 200),
    ]

    @Test(arguments: cases)
    func readsTheAuthorizationField(_ test: Case) throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        let response = try broker.request("GET", "/sessions/count", headers: test.fields.map { ("Authorization", $0) })

        #expect(response.status == test.status, "\(response.bodyText)")
        guard test.status == 401 else {
            return
        }
        #expect(response.errorCode == "unauthorized")
        #expect(response.string("message")?.isEmpty == false)
        var challenge = #"Bearer realm="session-broker""#
        if let error = test.challengeError {
            challenge += #", error="\#(error)""#
        }
        #expect(response.header("WWW-Authenticate") == challenge)
        #expect(response.header("Content-Type") == "application/json")
    }

    @Test func theFieldNameIsReadInAnyCase() throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        let response = try broker.request(
            "GET",
            "/sessions/count",
            headers: [("authorization", "Bearer \(Self.worker)")]
        )

        #expect(response.status == 200)
    }

    @Test func aForbiddenAnswerNamesTheRolesTheRouteNeeds() throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        let response = try broker.request("GET", "/stats", headers: AccessFixture.bearer(AccessFixture.worker))

        #expect(response.status == 403)
        #expect(response.string("message") == "this route needs a token with the role admin or metrics")
        #expect(response.header("WWW-Authenticate") == #"Bearer realm="session-broker", error="insufficient_scope""#)
    }

    @Test func poolsAndMethodsAreRevealedOnlyToValidTokens() throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        #expect(try broker.request("POST", "/pools/secret/sessions/lease").status == 401)
        let pool = try broker.request(
            "POST",
            "/pools/secret/sessions/lease",
            headers: AccessFixture.bearer(Self.worker)
        )
        #expect(pool.errorCode == "pool_not_found")

        #expect(try broker.request("DELETE", "/stats").status == 401)
        #expect(
            try broker.request("DELETE", "/stats", headers: AccessFixture.bearer(AccessFixture.metrics)).status == 405
        )
        #expect(try broker.request("DELETE", "/healthz").status == 405)

        #expect(try broker.request("GET", "/no-such-route").status == 404)
    }

    @Test func aTokenConfiguredForTwoRolesHasBoth() throws {
        let broker = try LiveBroker { configuration in
            configuration.access.tokens = [
                .init(role: .worker, secret: "dual-role-secret"),
                .init(role: .metrics, secret: "dual-role-secret"),
            ]
        }
        defer { broker.shutdown() }
        let dual = AccessFixture.bearer("dual-role-secret")

        #expect(try broker.request("GET", "/sessions/count", headers: dual).status == 200)
        #expect(try broker.request("GET", "/stats", headers: dual).status == 200)
        #expect(try broker.request("GET", "/sessions", headers: dual).status == 403)
    }
}
