import SessionCore
import TestSupport
import Testing

@Suite struct MonitoringContractTests {
    /// Two available, two cooling and two inactive sessions, with their counters.
    static func mixedSessions() -> [Session] {
        [
            Session(id: .string("free"), countUse: 2, countSuccess: 1),
            Session(id: .string("expired"), nextUse: fromNow(milliseconds: -60_000), countUse: 5),
            Session(id: .string("held"), nextUse: fromNow(milliseconds: 3_600_000), countUse: 4, countSuccess: 3),
            Session(id: .string("off"), active: false, countUse: 1),
            Session(id: .string("off-held"), active: false, nextUse: fromNow(milliseconds: 3_600_000)),
            Session(id: .string("on"), active: true),
        ]
    }

    @Test(arguments: StoreKind.allCases)
    func statisticsCountEveryState(kind: StoreKind) async throws {
        let pool = uniquePool("stats_states")
        let leaseOn = LeaseRequest(countUse: 2, nextUseDelay: .hours(1), filter: try filter(#"{"_id": "on"}"#))

        try await withStore(kind, pool) { store in
            for session in Self.mixedSessions() {
                _ = try await store.insert(session, into: pool)
            }

            #expect(try await store.lease(leaseOn, in: pool).session?.id == .string("on"))
            _ = try await store.recordSuccess(id: "free", count: 4, in: pool)
            let figures = try await store.statistics(in: pool)

            #expect(figures.total == 6)
            #expect(figures.available == 2)
            #expect(figures.cooling == 2)
            #expect(figures.inactive == 2)
            #expect(figures.countUse == 14)
            #expect(figures.countSuccess == 8)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func countAvailableCountsActiveSessionsThatAreNotHeld(kind: StoreKind) async throws {
        let pool = uniquePool("count_available")

        try await withStore(kind, pool) { store in
            #expect(try await store.countAvailable(in: pool) == 0)
            for session in Self.mixedSessions() {
                _ = try await store.insert(session, into: pool)
            }

            #expect(try await store.countAvailable(in: pool) == 3)
            _ = try await store.lease(LeaseRequest(nextUseDelay: .minutes(10)), in: pool)
            #expect(try await store.countAvailable(in: pool) == 2)
            _ = try await store.setActive(false, id: "expired", in: pool)
            #expect(try await store.countAvailable(in: pool) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anEmptyPoolHasZeroFigures(kind: StoreKind) async throws {
        let pool = uniquePool("stats_empty")

        try await withStore(kind, pool) { store in
            let figures = try await store.statistics(in: pool)

            #expect(figures == PoolStatistics())
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aPreparedStoreIsHealthy(kind: StoreKind) async throws {
        let pool = uniquePool("health")

        try await withStore(kind, pool) { store in
            try await store.checkHealth()
        }
    }
}
