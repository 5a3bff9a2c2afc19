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

    private func add(_ id: String, _ fields: JSONObject = JSONObject()) async throws(StoreError) -> Session {
        try await self.store.insert(Session(id: .string(id), fields: fields), into: self.pool)
    }

    @Test func aCooldownEndsExactlyAtNextUse() async throws {
        _ = try await self.add("only")
        let request = LeaseRequest(nextUseDelay: .seconds(10))
        _ = try await self.store.lease(request, in: self.pool)

        self.clock.advance(milliseconds: 9_999)
        #expect(try await self.store.lease(request, in: self.pool) == .unavailable(retryAfter: Period(milliseconds: 1)))

        self.clock.advance(milliseconds: 1)
        let again = try #require(try await self.store.lease(request, in: self.pool).session)
        #expect(again.lastUse == self.clock.now())
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
