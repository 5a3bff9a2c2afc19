import SessionCore
import TestSupport
import Testing

@testable import MongoStore

/// Collections filled by other programs: any `_id` kind, missing fields, wrong types.
@Suite struct DropInTests {
    @Test func documentsWrittenByOthersAreLeasedInOrderAndNeverBreakThePool() async throws {
        let pool = testPool("others")
        let fixture = try MongoFixture(pools: [pool])
        let objectID = ObjectID.generate()
        let now = Timestamp.now()
        let documents: [BSONValue] = [
            ["_id": .objectID(objectID), "session": ["user": 1]],
            ["_id": "null-times", "session": [:], "active": nil, "last_use": nil, "next_use": nil, "count_use": 5],
            ["_id": "text-times", "session": [:], "last_use": "yesterday", "next_use": "soon", "count_use": "many"],
            ["_id": "switched-off", "session": [:], "active": false],
            ["_id": "held", "session": [:], "next_use": .date(now.adding(milliseconds: 3_600_000))],
            [
                "_id": "used", "session": [:], "last_use": .date(now.adding(milliseconds: -60_000)),
                "next_use": .date(now.adding(milliseconds: -30_000)), "count_use": .double(3),
            ],
        ]
        for document in documents {
            try fixture.insertRaw(document, into: pool.collection)
        }

        let before = try await fixture.store.find(id: "text-times", in: pool)
        #expect(before.lastUse == nil)
        #expect(before.fields["last_use"] == .string("yesterday"))

        var leased: [Session] = []
        let request = LeaseRequest(nextUseDelay: .hours(1))
        while case .leased(let session) = try await fixture.store.lease(request, in: pool) {
            leased.append(session)
        }

        // Never used (missing or null) first, then a time of the wrong type, then the oldest date.
        #expect(Set(leased.prefix(2).map(\.id.text)) == [objectID.hex, "null-times"])
        #expect(leased.dropFirst(2).map(\.id.text) == ["text-times", "used"])
        let counts = Dictionary(uniqueKeysWithValues: leased.map { ($0.id.text, $0.countUse) })
        #expect(counts == [objectID.hex: 1, "null-times": 6, "text-times": 1, "used": 4])
        #expect(leased.allSatisfy { $0.lastUse != nil && $0.nextUse == $0.lastUse?.adding(milliseconds: 3_600_000) })
        #expect(leased.first { $0.id.text == "text-times" }?.fields["last_use"] == nil)

        let outcome = try await fixture.store.lease(request, in: pool)
        guard case .unavailable(let retryAfter?) = outcome else {
            Issue.record("expected a wait for the held session, got \(outcome)")
            return
        }
        #expect(retryAfter <= .hours(1) && retryAfter > .minutes(50))
    }

    @Test func aFilterOnIDMatchesTheObjectIDItsDigitsSpell() async throws {
        let pool = testPool("id_filter")
        let fixture = try MongoFixture(pools: [pool])
        let objectID = ObjectID.generate()
        try fixture.insertRaw(["_id": .objectID(objectID), "session": [:]], into: pool.collection)
        try fixture.insertRaw(["_id": "other", "session": [:]], into: pool.collection)
        let filter = try LeaseFilter(json: .object(JSONObject(["_id": .string(objectID.hex)])))

        let outcome = try await fixture.store.lease(LeaseRequest(filter: filter), in: pool)

        guard case .leased(let session) = outcome else {
            Issue.record("expected the ObjectId session, got \(outcome)")
            return
        }
        #expect(session.id == .objectID(objectID))
    }

    @Test func objectIDsAndStringIDsAreFoundByTheirText() async throws {
        let pool = testPool("ids")
        let fixture = try MongoFixture(pools: [pool])
        let objectID = ObjectID.generate()
        try fixture.insertRaw(["_id": .objectID(objectID), "session": ["kind": "object"]], into: pool.collection)
        try fixture.insertRaw(["_id": "plain", "session": ["kind": "string"]], into: pool.collection)

        let byLowercase = try await fixture.store.find(id: objectID.hex, in: pool)
        let byUppercase = try await fixture.store.find(id: objectID.hex.uppercased(), in: pool)
        let byString = try await fixture.store.find(id: "plain", in: pool)

        #expect(byLowercase.id == .objectID(objectID))
        #expect(byUppercase.id == .objectID(objectID))
        #expect(byString.id == .string("plain"))
        await #expect(throws: StoreError.self) { try await fixture.store.find(id: "missing", in: pool) }
    }

    @Test func pagesRunThroughStringIDsThenObjectIDsEachOnce() async throws {
        let pool = testPool("mixed_ids")
        let fixture = try MongoFixture(pools: [pool])
        let objectIDs = (0..<4).map { _ in ObjectID.generate() }
        let strings = ["a", "b", "c", "d", "e"]
        for id in strings {
            try fixture.insertRaw(["_id": .string(id), "session": [:]], into: pool.collection)
        }
        for id in objectIDs {
            try fixture.insertRaw(["_id": .objectID(id), "session": [:]], into: pool.collection)
        }

        var seen: [String] = []
        var after: String?
        repeat {
            let page = try await fixture.store.list(in: pool, after: after, limit: 2)
            seen += page.sessions.map(\.id.text)
            after = page.next
        } while after != nil

        #expect(seen == strings + objectIDs.map(\.hex).sorted())
    }

    @Test func aPageEndingOnAStringOfHexDigitsGoesOnWithTheLaterStrings() async throws {
        let pool = testPool("hex_strings")
        let fixture = try MongoFixture(pools: [pool])
        let hexString = ObjectID.generate().hex
        let objectID = ObjectID.generate()
        for id in ["a", hexString, "z"] {
            try fixture.insertRaw(["_id": .string(id), "session": [:]], into: pool.collection)
        }
        try fixture.insertRaw(["_id": .objectID(objectID), "session": [:]], into: pool.collection)

        var seen: [String] = []
        var after: String?
        repeat {
            let page = try await fixture.store.list(in: pool, after: after, limit: 1)
            seen += page.sessions.map(\.id.text)
            after = page.next
        } while after != nil && seen.count < 10

        // Digits sort before letters, so the hexadecimal string comes first among the strings.
        #expect(seen == [hexString, "a", "z", objectID.hex])
    }

    @Test func documentsWithIDsOfOtherTypesAreLeftToOtherPrograms() async throws {
        let pool = testPool("other_ids")
        let fixture = try MongoFixture(pools: [pool])
        for id: BSONValue in [.int32(42), .double(3.5), ["a": 1], "kept"] {
            try fixture.insertRaw(["_id": id, "session": [:]], into: pool.collection)
        }

        let page = try await fixture.store.list(in: pool, after: nil, limit: 10)
        let statistics = try await fixture.store.statistics(in: pool)
        let first = try await fixture.store.lease(LeaseRequest(nextUseDelay: .hours(1)), in: pool)
        let second = try await fixture.store.lease(LeaseRequest(nextUseDelay: .hours(1)), in: pool)

        #expect(page.sessions.map(\.id.text) == ["kept"])
        #expect(statistics.total == 1)
        guard case .leased(let session) = first else {
            Issue.record("expected the string-id session, got \(first)")
            return
        }
        #expect(session.id == .string("kept"))
        guard case .unavailable = second else {
            Issue.record("expected no second session, got \(second)")
            return
        }
    }

    @Test func renamedFieldsAreTheOnesWrittenAndIndexed() async throws {
        let pool = testPool("renamed") { pool in
            pool.fields.lastUse = "lastUsed"
            pool.fields.nextUse = "nextUse"
            pool.fields.countUse = "uses"
        }
        let fixture = try MongoFixture(pools: [pool])
        try fixture.insertRaw(["_id": "one", "session": [:], "uses": 2], into: pool.collection)

        let outcome = try await fixture.store.lease(LeaseRequest(nextUseDelay: .seconds(30)), in: pool)
        let stored = try fixture.rawDocument("one", in: pool.collection)

        guard case .leased(let session) = outcome, let stored else {
            Issue.record("expected a lease and the stored document, got \(outcome)")
            return
        }
        #expect(session.countUse == 3)
        #expect(stored["uses"]?.counter == 3)
        #expect(stored["lastUsed"] == .date(session.lastUse!))
        #expect(stored["nextUse"] == .date(session.nextUse!))
        #expect(stored["last_use"] == nil && stored["count_use"] == nil)
        #expect(Set(try fixture.indexNames(of: pool.collection)) == ["_id_", "broker_lease", "broker_release"])
    }

    @Test func indexesAreLeftAloneWhenToldSo() throws {
        let pool = testPool("no_indexes")
        let fixture = try MongoFixture(pools: [pool]) { $0.createIndexes = false }
        try fixture.insertRaw(["_id": "one", "session": [:]], into: pool.collection)

        #expect(try fixture.indexNames(of: pool.collection) == ["_id_"])
    }
}
