import SessionCore
import TestSupport
import Testing

@Suite struct SessionUpdateContractTests {
    @Test(arguments: StoreKind.allCases)
    func setAndUnsetReachIntoNestedObjects(kind: StoreKind) async throws {
        let pool = uniquePool("update_nested")
        let original = try document(
            #"""
            {"_id": "u1", "session": {"phone": "+7 900", "old": "x", "profile": {"city": "Riga"}},
             "tags": ["a"], "count_use": 3}
            """#,
            in: pool
        )
        let change = try update(
            #"""
            {"set": {"session.phone": "+7 901", "session.profile.zip": "LV-1010", "session.device.model": "pixel",
                     "tags": ["a", "b"], "note": "added"},
             "unset": ["session.old", "session.never_there", "missing.deeper"]}
            """#,
            in: pool
        )

        try await withStore(kind, pool) { store in
            _ = try await store.insert(original, into: pool)

            let updated = try await store.update(id: "u1", with: change, in: pool)

            #expect(updated.keys(at: "session") == ["phone", "profile", "device"])
            #expect(updated.value(at: "session.phone") == .string("+7 901"))
            #expect(updated.keys(at: "session.profile") == ["city", "zip"])
            #expect(updated.value(at: "session.profile.city") == .string("Riga"))
            #expect(updated.value(at: "session.profile.zip") == .string("LV-1010"))
            #expect(updated.value(at: "session.device") == .object(JSONObject(["model": .string("pixel")])))
            #expect(updated.value(at: "tags") == .array([.string("a"), .string("b")]))
            #expect(updated.value(at: "note") == .string("added"))
            #expect(updated.value(at: "missing") == nil)
            #expect(updated.countUse == 3)
            #expect(try await store.find(id: "u1", in: pool) == updated)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func managedFieldsCanBeSetAndUnset(kind: StoreKind) async throws {
        let pool = uniquePool("update_managed")
        let held = Session(
            id: .string("m"),
            lastUse: fromNow(milliseconds: -60_000),
            nextUse: fromNow(milliseconds: 3_600_000),
            countUse: 3,
            countSuccess: 1
        )
        let release = try update(
            #"""
            {"set": {"count_use": 10, "count_success": 0, "last_use": "2026-01-02T03:04:05.678Z", "active": true},
             "unset": ["next_use"]}
            """#,
            in: pool
        )

        try await withStore(kind, pool) { store in
            _ = try await store.insert(held, into: pool)
            #expect(try await store.countAvailable(in: pool) == 0)

            let released = try await store.update(id: "m", with: release, in: pool)

            #expect(released.nextUse == nil)
            #expect(released.countUse == 10)
            #expect(released.countSuccess == 0)
            #expect(released.lastUse == Timestamp(rfc3339: "2026-01-02T03:04:05.678Z"))
            #expect(released.active == true)
            #expect(try await store.find(id: "m", in: pool) == released)
            #expect(try await store.countAvailable(in: pool) == 1)

            let off = try await store.update(id: "m", with: update(#"{"set": {"active": false}}"#, in: pool), in: pool)

            #expect(off.active == false)
            #expect(try await store.lease(in: pool) == .unavailable(retryAfter: nil))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func settingANextUseHoldsTheSessionUntilThen(kind: StoreKind) async throws {
        let pool = uniquePool("update_next_use")
        let until = fromNow(milliseconds: 600_000)
        let hold = try update(#"{"set": {"next_use": "\#(until.rfc3339)"}}"#, in: pool)

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("n"), into: pool)

            let updated = try await store.update(id: "n", with: hold, in: pool)
            let outcome = try await store.lease(in: pool)
            let afterLease = Timestamp.now()

            #expect(updated.nextUse == until)
            let wait = try #require(outcome.retryAfter, "\(outcome)")
            #expect(wait <= Period(milliseconds: 600_000))
            #expect(wait.milliseconds >= until.milliseconds - afterLease.milliseconds - ClockWindow.tolerance)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUpdateThroughAScalarFailsAndChangesNothing(kind: StoreKind) async throws {
        let pool = uniquePool("update_scalar")
        let original = try document(#"{"_id": "s", "session": {"k": "v"}, "n": 1}"#, in: pool)
        let change = try update(#"{"set": {"n": 2, "session.k.deeper": 1}}"#, in: pool)

        try await withStore(kind, pool) { store in
            _ = try await store.insert(original, into: pool)

            let error = await #expect(throws: StoreError.self) {
                try await store.update(id: "s", with: change, in: pool)
            }

            #expect(error?.code == .invalidInput)
            #expect(try await store.find(id: "s", in: pool) == original)
        }
    }
}
