import SessionCore
import TestSupport
import Testing

@Suite struct SessionRoutesTests {
    @Test func walkthroughAddLeaseReportAndSwitchOff() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        // Add a session without an id: it gets an ObjectId and a Location.
        let created = try broker.request("POST", "/sessions", json: #"{"session": {"login": "demo"}}"#)
        #expect(created.status == 201)
        let id = try #require(created.string("_id"))
        #expect(ObjectID(hex: id) != nil)
        #expect(created.header("Location") == "/sessions/\(id)")
        #expect(created.header("Content-Type") == "application/json")

        // Lease it: stamped with the clock's time and a 3-second cooldown.
        let leased = try broker.request("POST", "/sessions/lease")
        #expect(leased.status == 200)
        #expect(leased.string("_id") == id)
        #expect(leased.string("last_use") == broker.clock.now().rfc3339)
        #expect(leased.string("next_use") == broker.clock.now().adding(milliseconds: 3000).rfc3339)
        #expect(leased.json()["count_use"] == .int(1))

        // Report a success, then a 10-hour lock, then a block that is shorter and so changes nothing.
        let success = try broker.request("POST", "/sessions/\(id)/success", json: #"{"count_success": 2}"#)
        #expect(success.json()["count_success"] == .int(2))
        let locked = try broker.request("POST", "/sessions/\(id)/lock", json: #"{"period": {"hours": 10}}"#)
        #expect(locked.string("next_use") == broker.clock.now().adding(milliseconds: 36_000_000).rfc3339)
        let blocked = try broker.request("POST", "/sessions/\(id)/block", json: #"{"period": 60}"#)
        #expect(blocked.string("next_use") == locked.string("next_use"))

        // Switch it off and on.
        let off = try broker.request("POST", "/sessions/\(id)/deactivate")
        #expect(off.json()["active"] == .bool(false))
        let on = try broker.request("POST", "/sessions/\(id)/activate")
        #expect(on.json()["active"] == .bool(true))

        // Read it back.
        let read = try broker.request("GET", "/sessions/\(id)")
        #expect(read.status == 200)
        #expect(read.json()["session"] == .object(JSONObject(["login": .string("demo")])))
    }

    @Test func blockDefaultsToTheBlockTimeAndLockToTheLockTime() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#)
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "b"}"#)

        let locked = try broker.request("POST", "/sessions/a/lock")
        let blocked = try broker.request("POST", "/sessions/b/block")

        #expect(locked.string("next_use") == broker.clock.now().adding(milliseconds: 900_000).rfc3339)
        #expect(blocked.string("next_use") == broker.clock.now().adding(milliseconds: 86_400_000).rfc3339)
    }

    @Test func listPagesAndValidatesItsQuery() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        for id in ["e", "a", "d", "c", "b"] {
            #expect(try broker.request("POST", "/sessions", json: #"{"_id": "\#(id)"}"#).status == 201)
        }

        let first = try broker.request("GET", "/sessions?limit=2")
        #expect(first.status == 200)
        #expect(first.json()["next"] == .string("b"))
        let second = try broker.request("GET", "/sessions?limit=3&after=b")
        let ids = second.json()["sessions"].flatMap { value -> [String]? in
            guard case .array(let items) = value else { return nil }
            return items.compactMap { item in
                guard case .object(let object) = item, case .string(let id)? = object["_id"] else { return nil }
                return id
            }
        }
        #expect(ids == ["c", "d", "e"])
        #expect(second.json()["next"] == .null)

        for query in ["limit=0", "limit=1001", "limit=x", "limit=1.5", "page=2", "limit=1&limit=2"] {
            let refused = try broker.request("GET", "/sessions?\(query)")
            #expect(refused.status == 400, "\(query)")
            #expect(refused.errorCode == "invalid_request", "\(query)")
        }
    }

    @Test func patchSetsAndUnsetsAndRefusesForbiddenPaths() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a", "session": {"phone": "1", "old": true}}"#)

        let patched = try broker.request(
            "PATCH",
            "/sessions/a",
            json: #"{"set": {"session.phone": "+7"}, "unset": ["session.old"]}"#
        )
        #expect(patched.status == 200)
        #expect(patched.json()["session"] == .object(JSONObject(["phone": .string("+7")])))

        for body in [
            #"{"set": {"_id": "b"}}"#, #"{"set": {"": 1}}"#, #"{"set": {"$set": 1}}"#, #"{"unset": ["a.$b"]}"#,
        ] {
            let refused = try broker.request("PATCH", "/sessions/a", json: body)
            #expect(refused.status == 400, "\(body)")
            #expect(refused.errorCode == "invalid_request", "\(body)")
        }
        #expect(try broker.request("PATCH", "/sessions/zz", json: #"{"set": {"x": 1}}"#).status == 404)
    }

    @Test func deleteAnswers204ThenNotFound() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#)

        let deleted = try broker.request("DELETE", "/sessions/a")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)

        let again = try broker.request("DELETE", "/sessions/a")
        #expect(again.status == 404)
        #expect(again.errorCode == "session_not_found")
    }

    @Test func idsWithSlashesAndHexTextWork() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        let created = try broker.request("POST", "/sessions", json: #"{"_id": "team/a b"}"#)
        #expect(created.header("Location") == "/sessions/team%2Fa%20b")
        #expect(try broker.request("GET", "/sessions/team%2Fa%20b").string("_id") == "team/a b")

        let hex = "0123456789abcdef01234567"
        #expect(try broker.request("POST", "/sessions", json: #"{"_id": "\#(hex)"}"#).status == 201)
        #expect(try broker.request("GET", "/sessions/\(hex)").string("_id") == hex)
    }

    @Test func namedPoolsUseTheirOwnTableAndFieldNames() throws {
        var telegram = PoolConfiguration(name: "telegram", collection: "telegram_sessions")
        telegram.fields.nextUse = "nextUse"
        telegram.nextUseDelay = .seconds(30)
        let broker = try LiveBroker(pools: [.default, telegram])
        defer { broker.shutdown() }

        let created = try broker.request("POST", "/pools/telegram/sessions", json: #"{"_id": "t1"}"#)
        #expect(created.header("Location") == "/pools/telegram/sessions/t1")
        #expect(try broker.request("POST", "/sessions/lease").status == 429)

        let leased = try broker.request("POST", "/pools/telegram/sessions/lease")
        #expect(leased.string("nextUse") == broker.clock.now().adding(milliseconds: 30_000).rfc3339)
        #expect(try broker.request("GET", "/pools/default/sessions/t1").status == 404)

        let missing = try broker.request("GET", "/pools/nope/sessions")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "pool_not_found")
    }
}
