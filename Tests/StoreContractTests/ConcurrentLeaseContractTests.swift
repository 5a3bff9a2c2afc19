import SessionCore
import TestSupport
import Testing

@Suite struct ConcurrentLeaseContractTests {
    @Test(arguments: StoreKind.allCases, [5, 40])
    func concurrentLeasesNeverShareASession(kind: StoreKind, clients: Int) async throws {
        let pool = uniquePool("concurrent_lease")
        let sessions = 12
        let winners = min(clients, sessions)
        let request = LeaseRequest(nextUseDelay: .minutes(10))

        try await withStore(kind, pool) { store in
            for index in 0..<sessions {
                _ = try await store.insert(bare("s\(index)"), into: pool)
            }

            let outcomes = try await withThrowingTaskGroup(of: LeaseOutcome.self) { group in
                for _ in 0..<clients {
                    group.addTask { try await store.lease(request, in: pool) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            let leased = outcomes.compactMap(\.session)
            #expect(leased.count == winners)
            #expect(Set(leased.map(\.id)).count == winners)
            #expect(leased.allSatisfy { $0.countUse == 1 })
            #expect(outcomes.filter { $0.session == nil }.allSatisfy { ($0.retryAfter ?? .zero) > .zero })
            let figures = try await store.statistics(in: pool)
            #expect(figures.countUse == Int64(winners))
            #expect(figures.cooling == Int64(winners))
            #expect(figures.available == Int64(sessions - winners))
        }
    }
}
