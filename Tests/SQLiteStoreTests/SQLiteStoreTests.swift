import Foundation
import SessionCore
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct SQLiteStoreTests {
    let clock = ManualClock()
    let pool = PoolConfiguration.default
    let owner: StoreOwner

    var store: SQLiteSessionStore {
        self.owner.store
    }

    init() throws {
        self.owner = StoreOwner(try SQLiteSessionStore(path: ":memory:", clock: self.clock))
        try self.store.prepare(pools: [self.pool])
    }

    private func add(
        _ id: String,
        _ fields: JSONObject = JSONObject(),
        lastUse: Int64? = nil
    ) async throws(StoreError) -> Session {
        let session = Session(
            id: .string(id),
            lastUse: lastUse.map { self.clock.now().adding(milliseconds: $0) },
            fields: fields
        )
        return try await self.store.insert(session, into: self.pool)
    }

    @Test func insertFindAndDuplicate() async throws {
        let stored = try await self.add("a", JSONObject(["session": .object(JSONObject(["k": .string("v")]))]))

        let found = try await self.store.find(id: "a", in: self.pool)
        #expect(found == stored)
        #expect(found.fields["session"] == .object(JSONObject(["k": .string("v")])))

        await #expect(throws: StoreError.self) { _ = try await self.add("a") }
        do {
            _ = try await self.add("a")
        } catch {
            #expect(error.code == .duplicateID)
        }
    }

    @Test func findMissingIsNotFound() async throws {
        do {
            _ = try await self.store.find(id: "nope", in: self.pool)
            Issue.record("found a session that does not exist")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test func leasePicksNeverUsedFirstThenOldestAndStampsIt() async throws {
        _ = try await self.add("recent", lastUse: -1000)
        _ = try await self.add("old", lastUse: -5000)
        _ = try await self.add("never")

        let first = try #require(try await self.store.lease(in: self.pool).session)
        let second = try #require(try await self.store.lease(in: self.pool).session)
        let third = try #require(try await self.store.lease(in: self.pool).session)

        #expect([first.id, second.id, third.id] == [.string("never"), .string("old"), .string("recent")])
        #expect(first.lastUse == self.clock.now())
        #expect(first.nextUse == self.clock.now().adding(milliseconds: 3000))
        #expect(first.countUse == 1)
    }

    @Test func leasedSessionCoolsDownThenComesBack() async throws {
        _ = try await self.add("only")
        let request = LeaseRequest(countUse: 2, nextUseDelay: .seconds(10))

        let leased = try await self.store.lease(request, in: self.pool)
        #expect(leased.session?.countUse == 2)

        // Held: the store says when to come back.
        let refused = try await self.store.lease(request, in: self.pool)
        #expect(refused == .unavailable(retryAfter: .seconds(10)))

        self.clock.advance(milliseconds: 9_999)
        #expect(try await self.store.lease(request, in: self.pool) == .unavailable(retryAfter: Period(milliseconds: 1)))

        self.clock.advance(milliseconds: 1)
        let again = try #require(try await self.store.lease(request, in: self.pool).session)
        #expect(again.countUse == 4)
    }

    @Test func inactiveSessionsAreNeverLeasedAndGiveNoRetryAfter() async throws {
        _ = try await self.add("a")
        _ = try await self.store.setActive(false, id: "a", in: self.pool)

        #expect(try await self.store.lease(in: self.pool) == .unavailable(retryAfter: nil))
        #expect(try await self.store.countAvailable(in: self.pool) == 0)

        let active = try await self.store.setActive(true, id: "a", in: self.pool)
        #expect(active.active == true)
        #expect(try await self.store.lease(in: self.pool).session?.id == .string("a"))
    }

    @Test func filterNarrowsTheLeaseByPayloadFields() async throws {
        let region: (String) -> JSONObject = { JSONObject(["session": .object(JSONObject(["region": .string($0)]))]) }
        _ = try await self.add("eu-1", region("eu"))
        _ = try await self.add("us-1", region("us"))
        _ = try await self.add("none")

        let filter = try LeaseFilter(json: JSONParser.parse(#"{"session.region": "us"}"#))
        let leased = try await self.store.lease(LeaseRequest(filter: filter), in: self.pool)
        #expect(leased.session?.id == .string("us-1"))
        #expect(
            try await self.store.lease(LeaseRequest(filter: filter), in: self.pool)
                == .unavailable(retryAfter: .seconds(3))
        )

        let missing = try LeaseFilter(json: JSONParser.parse(#"{"session.region": null}"#))
        #expect(try await self.store.lease(LeaseRequest(filter: missing), in: self.pool).session?.id == .string("none"))

        let either = try LeaseFilter(
            json: JSONParser.parse(#"{"session.region": {"$in": ["eu", "asia"]}, "_id": "eu-1"}"#)
        )
        #expect(try await self.store.lease(LeaseRequest(filter: either), in: self.pool).session?.id == .string("eu-1"))
    }

    @Test func filterValuesAreTypedLikeJSON() async throws {
        _ = try await self.add("flag", JSONObject(["vip": .bool(true), "tier": .int(1), "code": .string("1")]))

        for (text, expected) in [
            (#"{"vip": 1}"#, false), (#"{"tier": true}"#, false), (#"{"code": 1}"#, false),
            (#"{"tier": 1.0}"#, true),
        ] {
            let filter = try LeaseFilter(json: JSONParser.parse(text))
            let outcome = try await self.store.lease(LeaseRequest(nextUseDelay: .zero, filter: filter), in: self.pool)
            #expect((outcome.session != nil) == expected, "\(text)")
        }
    }

    @Test func lockAndSuccessNeverShortenAHold() async throws {
        _ = try await self.add("a")
        let now = self.clock.now()

        let blocked = try await self.store.hold(id: "a", for: .hours(24), in: self.pool)
        #expect(blocked.nextUse == now.adding(milliseconds: 86_400_000))

        let locked = try await self.store.hold(id: "a", for: .minutes(15), in: self.pool)
        #expect(locked.nextUse == blocked.nextUse)

        let succeeded = try await self.store.recordSuccess(id: "a", count: 5, nextUseDelay: .seconds(5), in: self.pool)
        #expect(succeeded.nextUse == blocked.nextUse)
        #expect(succeeded.countSuccess == 5)
    }

    @Test func patchCanReleaseAHoldEarly() async throws {
        _ = try await self.add("a")
        _ = try await self.store.hold(id: "a", for: .hours(1), in: self.pool)
        #expect(try await self.store.countAvailable(in: self.pool) == 0)

        let update = try SessionUpdate(
            json: JSONObject(["unset": .array([.string("next_use")])]),
            names: self.pool.fields
        )
        let released = try await self.store.update(id: "a", with: update, in: self.pool)

        #expect(released.nextUse == nil)
        #expect(try await self.store.countAvailable(in: self.pool) == 1)
        #expect(try await self.store.lease(in: self.pool).session?.id == .string("a"))
    }

    @Test func listPagesInIDOrderAndSkipsInactive() async throws {
        for id in ["c", "a", "e", "b", "d"] {
            _ = try await self.add(id)
        }
        _ = try await self.store.setActive(false, id: "c", in: self.pool)

        let first = try await self.store.list(in: self.pool, after: nil, limit: 2)
        #expect(first.sessions.map(\.id.text) == ["a", "b"])
        #expect(first.next == "b")

        let second = try await self.store.list(in: self.pool, after: first.next, limit: 2)
        #expect(second.sessions.map(\.id.text) == ["d", "e"])
        #expect(second.next == nil)
    }

    @Test func deleteRemovesAndReportsMissing() async throws {
        _ = try await self.add("a")
        try await self.store.delete(id: "a", in: self.pool)

        do {
            try await self.store.delete(id: "a", in: self.pool)
            Issue.record("deleted a session twice")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test func statisticsCountEveryState() async throws {
        for id in ["a", "b", "c", "d"] {
            _ = try await self.add(id)
        }
        _ = try await self.store.lease(LeaseRequest(countUse: 3), in: self.pool)
        _ = try await self.store.setActive(false, id: "d", in: self.pool)
        _ = try await self.store.recordSuccess(id: "b", count: 2, in: self.pool)

        let figures = try await self.store.statistics(in: self.pool)

        #expect(figures.total == 4)
        #expect(figures.inactive == 1)
        #expect(figures.cooling == 1)
        #expect(figures.available == 2)
        #expect(figures.countUse == 3)
        #expect(figures.countSuccess == 2)
    }

    @Test func concurrentLeasesNeverShareASessionAndCountExactly() async throws {
        for index in 0..<50 {
            _ = try await self.add(String(format: "s%02d", index))
        }

        // 200 leases race for 50 sessions held for a minute: exactly 50 succeed, each session once.
        let outcomes = try await withThrowingTaskGroup(of: LeaseOutcome.self) { group in
            for _ in 0..<200 {
                group.addTask { try await self.store.lease(LeaseRequest(nextUseDelay: .minutes(1)), in: self.pool) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let leased = outcomes.compactMap(\.session).map(\.id)
        #expect(leased.count == 50)
        #expect(Set(leased).count == 50)
        let figures = try await self.store.statistics(in: self.pool)
        #expect(figures.countUse == 50)
        #expect(figures.available == 0)
    }

    @Test func idsAreStoredExactlyEvenWithANULInside() async throws {
        _ = try await self.add("a\u{0}b")

        #expect(try await self.store.find(id: "a\u{0}b", in: self.pool).id == .string("a\u{0}b"))
        await #expect(throws: StoreError.self) { _ = try await self.store.find(id: "a", in: self.pool) }
        _ = try await self.add("a\u{0}c")
    }

    @Test func refusesADatabaseWrittenInAnotherLayout() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let foreign = try SQLiteSessionStore(path: path)
        try foreign.executeForTesting("CREATE TABLE sessions (id TEXT, doc TEXT)")
        foreign.close()

        let store = try SQLiteSessionStore(path: path)
        defer { store.close() }
        #expect(throws: StoreError.self) { try store.prepare(pools: [.default]) }
    }

    @Test func deleteRemovesTheDocumentEvenWhenTheStatementCacheIsFull() async throws {
        _ = try await self.add("victim", JSONObject(["session": .object(JSONObject(["k": .string("v")]))]))

        // Every $in length is a statement of its own: enough of them fill the statement cache.
        for length in 1...300 {
            let choices = JSONValue.array((0..<length).map { .int(Int64($0)) })
            let filter = try LeaseFilter(json: .object(JSONObject(["none": .object(JSONObject(["$in": choices]))])))
            _ = try await self.store.lease(LeaseRequest(filter: filter), in: self.pool)
        }
        try await self.store.delete(id: "victim", in: self.pool)

        #expect(try self.store.integerForTesting("SELECT count(*) FROM sessions") == 0)
        #expect(try self.store.integerForTesting("SELECT count(*) FROM sessions_documents") == 0)
    }

    @Test func activationMakesAnExpiredHoldLeasableAtOnce() async throws {
        _ = try await self.add("a")
        _ = try await self.store.hold(id: "a", for: .seconds(10), in: self.pool)
        _ = try await self.store.setActive(false, id: "a", in: self.pool)
        self.clock.advance(seconds: 11)

        // A promotion in the same moment passes over the inactive row; activation must make it ready.
        #expect(try await self.store.countAvailable(in: self.pool) == 0)
        _ = try await self.store.setActive(true, id: "a", in: self.pool)

        #expect(try self.store.integerForTesting("SELECT ready FROM sessions WHERE id = 'a'") == 1)
        #expect(try await self.store.lease(in: self.pool).session?.id == .string("a"))
    }

    @Test func objectIDsAreFoundWhateverTheCaseOfTheirHex() async throws {
        let objectID = ObjectID(hex: "6b12f45caf26415982d8554e")!
        _ = try await self.store.insert(Session(id: .objectID(objectID)), into: self.pool)
        _ = try await self.add("6B12F45CAF26415982D8554F")

        #expect(try await self.store.find(id: "6B12F45CAF26415982D8554E", in: self.pool).id == .objectID(objectID))
        // A string id matches only its own text.
        await #expect(throws: StoreError.self) {
            _ = try await self.store.find(id: "6b12f45caf26415982d8554f", in: self.pool)
        }
        try await self.store.delete(id: "6B12F45CAF26415982D8554E", in: self.pool)
        await #expect(throws: StoreError.self) { _ = try await self.store.find(id: objectID.hex, in: self.pool) }
    }

    @Test func countersSaturateInsteadOfOverflowing() async throws {
        let nearMaximum = Int64.max - 10
        for id in ["a", "b"] {
            _ = try await self.store.insert(
                Session(id: .string(id), countUse: nearMaximum, countSuccess: nearMaximum),
                into: self.pool
            )
        }

        let leased = try #require(try await self.store.lease(LeaseRequest(countUse: 1000), in: self.pool).session)
        let succeeded = try await self.store.recordSuccess(id: "a", count: 1000, in: self.pool)
        let figures = try await self.store.statistics(in: self.pool)

        #expect(leased.countUse == Int64.max)
        #expect(succeeded.countSuccess == Int64.max)
        #expect(figures.countUse == Int64.max)
        #expect(figures.countSuccess == Int64.max)
    }

    @Test func longInListsStayOneShallowExpression() async throws {
        _ = try await self.add("x", JSONObject(["k": .int(999)]))
        _ = try await self.add("y", JSONObject(["k": .string("s998")]))
        let numbers = (0..<1000).map { JSONValue.int(Int64($0)) }
        let mixed = (0..<1000).map { $0 % 2 == 0 ? JSONValue.string("s\($0)") : JSONValue.double(Double($0)) }

        for (choices, expected) in [(numbers, "x"), (mixed, "y")] {
            let filter = try LeaseFilter(
                json: .object(JSONObject(["k": .object(JSONObject(["$in": .array(choices)]))]))
            )
            let outcome = try await self.store.lease(LeaseRequest(filter: filter), in: self.pool)
            #expect(outcome.session?.id == .string(expected))
        }
    }

    @Test(arguments: [#"{}"#, #"{"session.region": "eu", "tier": {"$in": [1, 2]}}"#])
    func leaseIsServedByTheReadyIndexWhateverIsHeld(filter text: String) async throws {
        let filter = SQLFilter(try LeaseFilter(json: JSONParser.parse(text)), names: self.pool.fields)
        let table = SessionTable(collection: self.pool.collection)

        let plan = try self.store.explain(table.lease(filter: filter))

        #expect(plan.contains { $0.contains("sessions_ready_last_use") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }
}

/// Closes its store, and so ends the store's thread, when the test that made it is done.
final class StoreOwner: Sendable {
    let store: SQLiteSessionStore

    init(_ store: SQLiteSessionStore) {
        self.store = store
    }

    deinit {
        self.store.close()
    }
}
