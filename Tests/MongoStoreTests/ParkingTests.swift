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
