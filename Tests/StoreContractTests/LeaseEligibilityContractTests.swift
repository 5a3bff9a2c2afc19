import SessionCore
import TestSupport
import Testing

@Suite struct LeaseEligibilityContractTests {
    @Test(arguments: StoreKind.allCases)
    func inactiveSessionsAreNeverLeasedAndAMissingActiveMeansActive(kind: StoreKind) async throws {
        let pool = uniquePool("eligible_active")
        let sessions = [
            Session(id: .string("off"), active: false),
            Session(id: .string("implicit"), lastUse: fromNow(milliseconds: -2000)),
            Session(id: .string("explicit"), active: true, lastUse: fromNow(milliseconds: -1000)),
        ]
        let request = LeaseRequest(nextUseDelay: .minutes(1))

        try await withStore(kind, pool) { store in
            for session in sessions {
                _ = try await store.insert(session, into: pool)
            }

            let first = try #require(try await store.lease(request, in: pool).session)
            let second = try #require(try await store.lease(request, in: pool).session)
            let third = try await store.lease(request, in: pool)

            #expect(first.id == .string("implicit"))
            #expect(first.active == nil)
            #expect(second.id == .string("explicit"))
            #expect(second.active == true)
            #expect(third.retryAfter != nil, "\(third)")
            #expect(try await store.find(id: "off", in: pool) == sessions[0])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sessionsWithoutManagedFieldsOrWithNullTimesAreLeasable(kind: StoreKind) async throws {
        let pool = uniquePool("eligible_missing")
        let documents = [
            #"{"_id": "bare"}"#,
            #"{"_id": "nulls", "active": null, "last_use": null, "next_use": null, "count_use": null}"#,
            #"{"_id": "expired", "next_use": "\#(fromNow(milliseconds: -60_000).rfc3339)", "session": {"k": 1}}"#,
        ]
        let request = LeaseRequest(nextUseDelay: .minutes(1))

        try await withStore(kind, pool) { store in
            for text in documents {
                _ = try await store.insert(document(text, in: pool), into: pool)
            }

            var leased: [Session] = []
            for _ in 0..<3 {
                leased.append(try #require(try await store.lease(request, in: pool).session))
            }
            let fourth = try await store.lease(request, in: pool)

            #expect(Set(leased.map(\.id.text)) == ["bare", "nulls", "expired"])
            #expect(leased.allSatisfy { $0.countUse == 1 && $0.countSuccess == nil && $0.lastUse != nil })
            #expect(fourth.retryAfter != nil, "\(fourth)")
            #expect(try await store.statistics(in: pool).countUse == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func noRetryAfterIsNamedWhenNoMatchingSessionWillFreeUpByItself(kind: StoreKind) async throws {
        let pool = uniquePool("eligible_no_retry")
        let inactive = [
            Session(id: .string("off"), active: false),
            Session(id: .string("off-held"), active: false, nextUse: fromNow(milliseconds: 600_000)),
        ]
        let region = try filter(#"{"session.region": "eu"}"#)

        try await withStore(kind, pool) { store in
            #expect(try await store.lease(in: pool) == .unavailable(retryAfter: nil))

            for session in inactive {
                _ = try await store.insert(session, into: pool)
            }
            #expect(try await store.lease(in: pool) == .unavailable(retryAfter: nil))

            _ = try await store.insert(document(#"{"_id": "us", "session": {"region": "us"}}"#, in: pool), into: pool)
            _ = try await store.lease(LeaseRequest(nextUseDelay: .minutes(10)), in: pool)

            #expect(try await store.lease(LeaseRequest(filter: region), in: pool) == .unavailable(retryAfter: nil))
            let wait = try #require(try await store.lease(in: pool).retryAfter)
            #expect(wait <= .minutes(10))
        }
    }
}
