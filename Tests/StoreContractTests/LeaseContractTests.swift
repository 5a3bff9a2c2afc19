import SessionCore
import TestSupport
import Testing

@Suite struct LeaseContractTests {
    @Test(arguments: StoreKind.allCases)
    func leasePicksNeverUsedSessionsFirstThenTheOldestLastUse(kind: StoreKind) async throws {
        let pool = uniquePool("lease_order")
        let sessions = [
            Session(id: .string("recent"), lastUse: fromNow(milliseconds: -1000)),
            Session(id: .string("never-a")),
            Session(id: .string("old"), lastUse: fromNow(milliseconds: -5000)),
            Session(
                id: .string("held"),
                lastUse: fromNow(milliseconds: -60_000),
                nextUse: fromNow(milliseconds: 600_000)
            ),
            Session(id: .string("off"), active: false, lastUse: fromNow(milliseconds: -120_000)),
            Session(id: .string("never-b")),
        ]
        let request = LeaseRequest(nextUseDelay: .minutes(1))

        try await withStore(kind, pool) { store in
            for session in sessions {
                _ = try await store.insert(session, into: pool)
            }

            var leased: [String] = []
            for _ in 0..<4 {
                leased.append(try #require(try await store.lease(request, in: pool).session).id.text)
            }
            let fifth = try await store.lease(request, in: pool)

            #expect(Set(leased.prefix(2)) == ["never-a", "never-b"])
            #expect(leased.suffix(2) == ["old", "recent"])
            let wait = try #require(fifth.retryAfter, "\(fifth)")
            #expect(wait <= .minutes(1))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func leaseStampsTheSessionWithTheStoreClock(kind: StoreKind) async throws {
        let pool = uniquePool("lease_stamp")
        let original = try document(
            #"{"_id": "s", "session": {"token": "t"}, "count_use": 5, "count_success": 2, "last_use": null}"#,
            in: pool
        )
        let delay = Period(milliseconds: 2500)

        try await withStore(kind, pool) { store in
            _ = try await store.insert(original, into: pool)

            let (outcome, window) = try await timed {
                try await store.lease(LeaseRequest(countUse: 3, nextUseDelay: delay), in: pool)
            }

            let leased = try #require(outcome.session)
            let lastUse = try #require(leased.lastUse)
            #expect(window.contains(lastUse), "\(lastUse) outside \(window)")
            #expect(leased.nextUse == lastUse.adding(milliseconds: delay.milliseconds))
            #expect(leased.countUse == 8)
            #expect(leased.countSuccess == 2)
            #expect(leased.active == nil)
            #expect(leased.fields == original.fields)
            #expect(try await store.find(id: "s", in: pool) == leased)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func leaseWithoutADelayTakesThePoolDelay(kind: StoreKind) async throws {
        let pool = uniquePool("lease_pool_delay") { $0.nextUseDelay = .seconds(7) }

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("s"), into: pool)

            let leased = try #require(try await store.lease(in: pool).session)

            let lastUse = try #require(leased.lastUse)
            #expect(leased.nextUse == lastUse.adding(milliseconds: 7000))
            #expect(leased.countUse == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aZeroDelayLetsTheSameSessionBeLeasedAgainAtOnce(kind: StoreKind) async throws {
        let pool = uniquePool("lease_zero_delay")
        let request = LeaseRequest(nextUseDelay: .zero)

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("only"), into: pool)

            var leased: [Session] = []
            for _ in 0..<3 {
                leased.append(try #require(try await store.lease(request, in: pool).session))
            }

            #expect(leased.map(\.id) == Array(repeating: .string("only"), count: 3))
            #expect(leased.map(\.countUse) == [1, 2, 3])
            #expect(leased.allSatisfy { $0.nextUse != nil && $0.nextUse == $0.lastUse })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anExhaustedPoolSaysWhenItsFirstSessionFreesUp(kind: StoreKind) async throws {
        let pool = uniquePool("lease_exhausted")
        let request = LeaseRequest(nextUseDelay: .minutes(1))

        try await withStore(kind, pool) { store in
            for id in ["a", "b", "c"] {
                _ = try await store.insert(bare(id), into: pool)
            }

            let (outcomes, window) = try await timed {
                var outcomes: [LeaseOutcome] = []
                for _ in 0..<4 {
                    outcomes.append(try await store.lease(request, in: pool))
                }
                return outcomes
            }

            #expect(Set(outcomes.prefix(3).compactMap(\.session?.id.text)) == ["a", "b", "c"])
            let wait = try #require(outcomes[3].retryAfter, "\(outcomes[3])")
            #expect(wait <= .minutes(1))
            #expect(wait.milliseconds >= 60_000 - window.length.milliseconds - ClockWindow.tolerance)
            #expect(try await store.countAvailable(in: pool) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSessionIsLeasedAgainOnlyOnceItsCooldownIsOver(kind: StoreKind) async throws {
        let pool = uniquePool("lease_cooldown")
        let delay = Period(milliseconds: 300)
        let request = LeaseRequest(nextUseDelay: delay)

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("only"), into: pool)
            let first = try #require(try await store.lease(request, in: pool).session)
            let cooldownEnd = try #require(first.nextUse)

            var refusals: [(wait: Period, window: ClockWindow)] = []
            let second = try await poll { () async throws -> Session? in
                let (outcome, window) = try await timed { try await store.lease(request, in: pool) }
                if let session = outcome.session {
                    return session
                }
                refusals.append((try #require(outcome.retryAfter, "\(outcome)"), window))
                return nil
            }

            let again = try #require(second, "refused \(refusals.count) times in 30 s")
            for (wait, window) in refusals {
                #expect(wait <= delay)
                let refusedAt = cooldownEnd.adding(milliseconds: -wait.milliseconds)
                #expect(window.contains(refusedAt), "a wait of \(wait) at \(refusedAt), outside \(window)")
            }
            #expect(try #require(again.lastUse) >= cooldownEnd)
            #expect(again.countUse == 2)
        }
    }
}
