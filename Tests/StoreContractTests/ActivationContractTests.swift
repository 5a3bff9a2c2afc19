import SessionCore
import TestSupport
import Testing

@Suite struct ActivationContractTests {
    @Test(arguments: StoreKind.allCases)
    func aDeactivatedSessionIsNotLeasedUntilActivatedAgain(kind: StoreKind) async throws {
        let pool = uniquePool("active_switch")
        let original = try document(#"{"_id": "a", "session": {"token": "t"}, "count_use": 1}"#, in: pool)
        let request = LeaseRequest(nextUseDelay: .minutes(10))

        try await withStore(kind, pool) { store in
            _ = try await store.insert(original, into: pool)
            _ = try await store.insert(Session(id: .string("b"), lastUse: fromNow(milliseconds: -60_000)), into: pool)

            let off = try await store.setActive(false, id: "a", in: pool)
            let foundOff = try await store.find(id: "a", in: pool)
            let leasedWhileOff = try await store.lease(request, in: pool)
            let refusedWhileOff = try await store.lease(request, in: pool)
            let on = try await store.setActive(true, id: "a", in: pool)
            let leasedWhenOn = try await store.lease(request, in: pool)

            #expect(off.active == false)
            #expect(off.fields == original.fields)
            #expect(off.countUse == 1)
            #expect(foundOff == off)
            #expect(leasedWhileOff.session?.id == .string("b"))
            #expect(refusedWhileOff.retryAfter != nil, "\(refusedWhileOff)")
            #expect(on.active == true)
            #expect(leasedWhenOn.session?.id == .string("a"))
            #expect(leasedWhenOn.session?.countUse == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func activationKeepsAHold(kind: StoreKind) async throws {
        let pool = uniquePool("active_hold")

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("a"), into: pool)
            let held = try await store.hold(id: "a", for: .minutes(10), in: pool)

            _ = try await store.setActive(false, id: "a", in: pool)
            let on = try await store.setActive(true, id: "a", in: pool)
            let outcome = try await store.lease(in: pool)

            #expect(on.nextUse == held.nextUse)
            let wait = try #require(outcome.retryAfter, "\(outcome)")
            #expect(wait <= .minutes(10))
            #expect(try await store.countAvailable(in: pool) == 0)
        }
    }
}
