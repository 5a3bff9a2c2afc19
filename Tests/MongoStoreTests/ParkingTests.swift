import SessionCore
import TestSupport
import Testing

@testable import MongoStore

/// Long holds park a session out of the lease's index range; parking never changes who may be leased.
@Suite struct ParkingTests {
    @Test func blockingParksUntilTheHoldEndsAndShortHoldsDoNot() async throws {
        let pool = testPool("parking")
        let fixture = try MongoFixture(pools: [pool])
        for id in ["blocked", "locked-briefly"] {
            try fixture.insertRaw(["_id": .string(id), "session": [:]], into: pool.collection)
        }

        let blocked = try await fixture.store.hold(id: "blocked", for: .hours(24), in: pool)
        _ = try await fixture.store.hold(id: "locked-briefly", for: .seconds(5), in: pool)

        let parked = try fixture.rawDocument("blocked", in: pool.collection)
        let notParked = try fixture.rawDocument("locked-briefly", in: pool.collection)
        #expect(parked?[MongoQueries.parkedField] == .date(blocked.nextUse!))
        #expect(notParked?[MongoQueries.parkedField] == nil)
        #expect(blocked.fields[MongoQueries.parkedField] == nil)
    }

    @Test func switchingOffParksUntilSwitchedOnAgain() async throws {
        let pool = testPool("switched")
        let fixture = try MongoFixture(pools: [pool])
        try fixture.insertRaw(["_id": "one", "session": [:]], into: pool.collection)

        _ = try await fixture.store.setActive(false, id: "one", in: pool)
        let parked = try fixture.rawDocument("one", in: pool.collection)?[MongoQueries.parkedField]
        _ = try await fixture.store.setActive(true, id: "one", in: pool)
        let afterwards = try fixture.rawDocument("one", in: pool.collection)?[MongoQueries.parkedField]
        let outcome = try await fixture.store.lease(in: pool)

        #expect(parked == .bool(true))
        #expect(afterwards == nil || afterwards == .null)
        guard case .leased(let session) = outcome else {
            Issue.record("expected the session switched on again, got \(outcome)")
            return
        }
        #expect(session.id == .string("one"))
    }

    @Test func aHoldShortenedByAnotherProgramIsNotKeptParked() async throws {
        let pool = testPool("shortened")
        let fixture = try MongoFixture(pools: [pool])
        try fixture.insertRaw(["_id": "one", "session": [:]], into: pool.collection)
        _ = try await fixture.store.hold(id: "one", for: .hours(24), in: pool)

        // An old worker releases the session by writing next_use itself.
        let past = Timestamp.now().adding(milliseconds: -1000)
        try fixture.updateRaw("one", ["$set": ["next_use": .date(past)]], in: pool.collection)
        let outcome = try await fixture.store.lease(in: pool)

        guard case .leased(let session) = outcome else {
            Issue.record("expected the released session, got \(outcome)")
            return
        }
        #expect(session.id == .string("one"))
    }

    @Test func theParkingFieldCannotBeWrittenThroughTheAPI() async throws {
        let pool = testPool("reserved")
        let fixture = try MongoFixture(pools: [pool])
        let document = JSONObject(["session": .object(JSONObject()), MongoQueries.parkedField: .int(5)])
        let session = try Session(document: document, fields: pool.fields)
        try fixture.insertRaw(["_id": "one", "session": [:]], into: pool.collection)
        let update = try SessionUpdate(
            json: JSONObject(["set": .object(JSONObject([MongoQueries.parkedField: .bool(true)]))]),
            names: pool.fields
        )

        for attempt in 0..<2 {
            await #expect {
                if attempt == 0 {
                    _ = try await fixture.store.insert(session, into: pool)
                } else {
                    _ = try await fixture.store.update(id: "one", with: update, in: pool)
                }
            } throws: { error in
                (error as? StoreError)?.code == .invalidInput
            }
        }
        #expect(try fixture.rawDocument("one", in: pool.collection)?[MongoQueries.parkedField] == nil)
    }

    @Test func releasingThroughAnUpdateUnparksAtOnce() async throws {
        let pool = testPool("release")
        let fixture = try MongoFixture(pools: [pool])
        try fixture.insertRaw(["_id": "one", "session": [:]], into: pool.collection)
        _ = try await fixture.store.hold(id: "one", for: .hours(24), in: pool)
        guard case .unavailable(let wait?) = try await fixture.store.lease(in: pool), wait > .hours(23) else {
            Issue.record("expected the blocked session to be held for a day")
            return
        }

        let update = try SessionUpdate(json: JSONObject(["unset": .array([.string("next_use")])]), names: pool.fields)
        _ = try await fixture.store.update(id: "one", with: update, in: pool)
        let outcome = try await fixture.store.lease(in: pool)

        guard case .leased(let session) = outcome else {
            Issue.record("expected the released session, got \(outcome)")
            return
        }
        #expect(session.id == .string("one"))
        #expect(try fixture.rawDocument("one", in: pool.collection)?[MongoQueries.parkedField] == nil)
    }

    @Test func aLeaseThatFindsNothingUnparksEndedHoldsAndTriesAgain() async throws {
        let pool = testPool("expired")
        let fixture = try MongoFixture(pools: [pool])
        let past = Timestamp.now().adding(milliseconds: -1000)
        let document: BSONValue = [
            "_id": "ended", "session": [:], "next_use": .date(past), MongoQueries.parkedField: .date(past),
        ]
        try fixture.insertRaw(document, into: pool.collection)

        let outcome = try await fixture.store.lease(in: pool)

        guard case .leased(let session) = outcome else {
            Issue.record("expected the session whose hold ended, got \(outcome)")
            return
        }
        #expect(session.id == .string("ended"))
    }
}
