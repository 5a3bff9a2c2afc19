import Foundation
import TestSupport
import Testing

/// Every role against every class of route: who gets through, who gets 401, who gets 403.
@Suite struct AccessMatrixTests {
    enum RouteClass: String {
        case open, worker, admin, stats
    }

    enum Caller: String, CaseIterable {
        case anonymous, unknownToken, worker, admin, metrics

        var headers: [(String, String)] {
            switch self {
            case .anonymous: []
            case .unknownToken: AccessFixture.bearer(AccessFixture.unknown)
            case .worker: AccessFixture.bearer(AccessFixture.worker)
            case .admin: AccessFixture.bearer(AccessFixture.admin)
            case .metrics: AccessFixture.bearer(AccessFixture.metrics)
            }
        }

        /// The status class this caller gets on a route of `routeClass`: 200 for any success.
        func expectedStatus(on routeClass: RouteClass) -> Int {
            switch (self, routeClass) {
            case (_, .open), (.admin, _), (.worker, .worker), (.metrics, .stats): 200
            case (.anonymous, _), (.unknownToken, _): 401
            default: 403
            }
        }
    }

    struct Probe: CustomTestStringConvertible, Sendable {
        var method: String
        /// The path, where `{id}` stands for a session created for this request.
        var path: String
        var json: String?
        var routeClass: RouteClass

        init(_ method: String, _ path: String, json: String? = nil, _ routeClass: RouteClass) {
            self.method = method
            self.path = path
            self.json = json
            self.routeClass = routeClass
        }

        var testDescription: String {
            "\(self.method) \(self.path) (\(self.routeClass.rawValue))"
        }
    }

    static let probes: [Probe] = [
        Probe("GET", "/healthz", .open),
        Probe("HEAD", "/healthz", .open),
        Probe("GET", "/readyz", .open),
        Probe("POST", "/sessions/lease", json: #"{"count_use": 1}"#, .worker),
        Probe("POST", "/pools/default/sessions/lease", .worker),
        Probe("POST", "/sessions/{id}/success", .worker),
        Probe("POST", "/sessions/{id}/lock", json: #"{"period": 60}"#, .worker),
        Probe("POST", "/sessions/{id}/block", .worker),
        Probe("POST", "/sessions/{id}/deactivate", .worker),
        Probe("GET", "/sessions/{id}", .worker),
        Probe("HEAD", "/sessions/{id}", .worker),
        Probe("GET", "/pools/default/sessions/{id}", .worker),
        Probe("GET", "/sessions/count", .worker),
        Probe("POST", "/sessions", json: #"{"_id": "new-{id}"}"#, .admin),
        Probe("GET", "/sessions", .admin),
        Probe("GET", "/pools/default/sessions?limit=5", .admin),
        Probe("PATCH", "/sessions/{id}", json: #"{"set": {"session.region": "eu"}}"#, .admin),
        Probe("DELETE", "/sessions/{id}", .admin),
        Probe("POST", "/sessions/{id}/activate", .admin),
        Probe("GET", "/stats", .stats),
        Probe("HEAD", "/stats", .stats),
    ]

    @Test(arguments: probes)
    func everyCallerGetsWhatItsRoleAllows(probe: Probe) throws {
        let broker = try AccessFixture.broker()
        defer { broker.shutdown() }

        for caller in Caller.allCases {
            let id = try broker.addSession("s-\(caller.rawValue)")
            let path = probe.path.replacingOccurrences(of: "{id}", with: id)
            let json = probe.json?.replacingOccurrences(of: "{id}", with: id)

            let response = try broker.request(probe.method, path, json: json, headers: caller.headers)

            let expected = caller.expectedStatus(on: probe.routeClass)
            let comment = Comment(rawValue: "\(caller.rawValue): \(response.status) \(response.bodyText)")
            switch expected {
            case 200:
                #expect((200..<300).contains(response.status), comment)
            case 401:
                #expect(response.status == 401, comment)
                #expect(response.header("WWW-Authenticate")?.hasPrefix(#"Bearer realm="session-broker""#) == true)
                if probe.method != "HEAD" {
                    #expect(response.errorCode == "unauthorized", comment)
                }
            default:
                #expect(response.status == 403, comment)
                if probe.method != "HEAD" {
                    #expect(response.errorCode == "forbidden", comment)
                    #expect(response.string("message")?.contains("role") == true, comment)
                }
            }
        }
    }
}
