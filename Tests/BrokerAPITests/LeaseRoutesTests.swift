import SessionCore
import TestSupport
import Testing

@Suite struct LeaseRoutesTests {
    @Test func tooSoonAnswers429WithRetryAfterUntilTheCooldownEnds() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#)

        #expect(try broker.request("POST", "/sessions/lease", json: #"{"next_use_delay": 7.2}"#).status == 200)

        let refused = try broker.request("POST", "/sessions/lease")
        #expect(refused.status == 429)
        #expect(refused.errorCode == "no_session_available")
        #expect(refused.header("Retry-After") == "8")

        broker.clock.advance(milliseconds: 7_200)
        #expect(try broker.request("POST", "/sessions/lease").string("_id") == "a")
    }

    @Test func noRetryAfterWhenNothingWillBecomeEligible() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        let empty = try broker.request("POST", "/sessions/lease")
        #expect(empty.status == 429)
        #expect(empty.header("Retry-After") == nil)

        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a", "active": false}"#)
        #expect(try broker.request("POST", "/sessions/lease").header("Retry-After") == nil)

        _ = try broker.request("POST", "/sessions", json: #"{"_id": "b", "session": {"region": "eu"}}"#)
        let unmatched = try broker.request("POST", "/sessions/lease", json: #"{"filter": {"session.region": "us"}}"#)
        #expect(unmatched.status == 429)
        #expect(unmatched.header("Retry-After") == nil)
    }

    @Test func filterAndCountUseShapeTheLease() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "eu", "session": {"region": "eu"}}"#)
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "us", "session": {"region": "us"}}"#)

        let leased = try broker.request(
            "POST",
            "/sessions/lease",
            json: #"{"count_use": 5, "filter": {"session.region": {"$in": ["us"]}}}"#
        )

        #expect(leased.string("_id") == "us")
        #expect(leased.json()["count_use"] == .int(5))
        #expect(try broker.request("GET", "/sessions/count").json()["available"] == .int(1))
    }

    @Test(arguments: [
        (#"{"count_use": 0}"#, "invalid_request", "count_use: must be between 1 and 1000000"),
        (#"{"count_use": 1000001}"#, "invalid_request", "count_use: must be between 1 and 1000000"),
        (#"{"count_use": "2"}"#, "invalid_request", "count_use: must be an integer, not a string"),
        (#"{"next_use_delay": -1}"#, "invalid_request", "next_use_delay: must not be negative"),
        (
            #"{"next_use_delay": {"years": 1}}"#, "invalid_request",
            "next_use_delay.years: unknown unit; use one of weeks, days, hours, minutes, "
                + "seconds, milliseconds, microseconds"
        ),
        (#"{"colour": 1}"#, "invalid_request", "colour: unknown field"),
        (
            #"{"filter": {"a": {"$ne": 1}}}"#, "invalid_filter",
            #"a: a filter value must be a string, number, boolean, null or {"$in": [...]}"#
        ),
        (#"{"filter": {"$where": "sleep(1)"}}"#, "invalid_filter", "$where: a field path must not start with '$'"),
        (#"{"filter": "x"}"#, "invalid_filter", "filter must be an object, not a string"),
        (#"[1, 2]"#, "invalid_request", "the body must be a JSON object, not an array"),
        (#"{"count_use": 1"#, "invalid_json", "expected ',' or '}' in an object at byte 15"),
    ])
    func leaseValidatesItsBody(body: String, code: String, message: String) throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        let refused = try broker.request("POST", "/sessions/lease", json: body)

        #expect(refused.status == 400)
        #expect(refused.errorCode == code)
        #expect(refused.string("message") == message)
    }

    @Test func actionsValidateTheirBodiesAndIDs() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#)

        #expect(try broker.request("POST", "/sessions/a/success", json: #"{"count_success": 0}"#).status == 400)
        #expect(try broker.request("POST", "/sessions/a/lock", json: #"{"period": "1h"}"#).status == 400)
        #expect(try broker.request("POST", "/sessions/a/block", json: #"{"period": {"days": 4000}}"#).status == 400)
        #expect(try broker.request("POST", "/sessions/a/deactivate", json: #"{"why": "x"}"#).status == 400)
        let missing = try broker.request("POST", "/sessions/zz/success")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "session_not_found")
    }
}
