import Testing

@testable import BrokerAPI

@Suite struct RouteTests {
    @Test func readsEveryRouteForTheDefaultAndNamedPools() {
        #expect(Route(path: "/healthz") == .health)
        #expect(Route(path: "/readyz") == .readiness)
        #expect(Route(path: "/stats") == .stats)
        #expect(Route(path: "/sessions") == .sessions(pool: nil))
        #expect(Route(path: "/sessions/lease") == .lease(pool: nil))
        #expect(Route(path: "/sessions/count") == .count(pool: nil))
        #expect(Route(path: "/sessions/abc") == .session(pool: nil, id: "abc"))
        #expect(Route(path: "/sessions/abc/lock") == .action(pool: nil, id: "abc", action: .lock))
        #expect(Route(path: "/pools/tg/sessions/lease") == .lease(pool: "tg"))
        #expect(Route(path: "/pools/tg/sessions/x/deactivate") == .action(pool: "tg", id: "x", action: .deactivate))
    }

    @Test func decodesSegmentsOnceAfterSplitting() {
        #expect(Route(path: "/sessions/a%2Fb") == .session(pool: nil, id: "a/b"))
        #expect(Route(path: "/sessions/a%252F") == .session(pool: nil, id: "a%2F"))
        #expect(Route(path: "/sessions/caf%C3%A9") == .session(pool: nil, id: "café"))
        #expect(Route(path: "/pools/a%20b/sessions") == .sessions(pool: "a b"))
    }

    @Test(arguments: [
        "", "sessions", "/", "/sessions/", "/sessions//lock", "/sessions/a/unknown", "/sessions/a/b/c",
        "/pools/x", "/pools/x/other", "/sessions/%ZZ", "/sessions/%C3", "/healthz/x", "/pools//sessions",
    ])
    func refusesPathsTheAPIDoesNotHave(path: String) {
        #expect(Route(path: path) == nil)
    }

    @Test func listsAllowedMethods() {
        #expect(Route.session(pool: nil, id: "a").allowedMethods == ["GET", "HEAD", "PATCH", "DELETE"])
        #expect(Route.lease(pool: nil).allowedMethods == ["POST"])
    }
}
