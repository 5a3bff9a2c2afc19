import SessionCore
import TestSupport
import Testing

@Suite struct HoldContractTests {
    @Test(arguments: StoreKind.allCases)
    func aHoldLastsItsPeriodAndIsNeverShortened(kind: StoreKind) async throws {
        let pool = uniquePool("hold_lock_block")

        try await withStore(kind, pool) { store in
            _ = try await store.insert(Session(id: .string("s"), countUse: 2), into: pool)

            let (locked, lockWindow) = try await timed { try await store.hold(id: "s", for: pool.lockTime, in: pool) }
            let refusal = try await store.lease(in: pool)
            let refusedBy = Timestamp.now()
            let (blocked, blockWindow) = try await timed {
                try await store.hold(id: "s", for: pool.blockTime, in: pool)
            }
            let relocked = try await store.hold(id: "s", for: pool.lockTime, in: pool)

            #expect(lockWindow.contains(locked.nextUse, plus: pool.lockTime), "\(String(describing: locked.nextUse))")
            let wait = try #require(refusal.retryAfter, "\(refusal)")
            #expect(wait <= pool.lockTime)
            let elapsed = refusedBy.milliseconds - lockWindow.start.milliseconds
            #expect(wait.milliseconds >= pool.lockTime.milliseconds - elapsed - ClockWindow.tolerance)
            #expect(blockWindow.contains(blocked.nextUse, plus: pool.blockTime))
            #expect(relocked.nextUse == blocked.nextUse)
            #expect(relocked.countUse == 2)
            #expect(relocked.lastUse == nil)
            #expect(try await store.countAvailable(in: pool) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aHoldOnAnExpiredCooldownStartsFromNow(kind: StoreKind) async throws {
        let pool = uniquePool("hold_expired")

        try await withStore(kind, pool) { store in
            _ = try await store.insert(Session(id: .string("s"), nextUse: fromNow(milliseconds: -600_000)), into: pool)

            let (held, window) = try await timed { try await store.hold(id: "s", for: .seconds(30), in: pool) }

            #expect(window.contains(held.nextUse, plus: .seconds(30)), "\(String(describing: held.nextUse))")
            #expect(try await store.lease(in: pool).retryAfter != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func successAddsToTheCounterAndLeavesTheHoldAloneWithoutADelay(kind: StoreKind) async throws {
        let pool = uniquePool("success_count")
        let lastUse = fromNow(milliseconds: -10_000)
        let nextUse = fromNow(milliseconds: -5000)

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("free"), into: pool)
            _ = try await store.insert(
                Session(id: .string("used"), lastUse: lastUse, nextUse: nextUse, countUse: 4, countSuccess: 1),
                into: pool
            )

            let free = try await store.recordSuccess(id: "free", count: 2, in: pool)
            let freeAgain = try await store.recordSuccess(id: "free", count: 3, in: pool)
            let used = try await store.recordSuccess(id: "used", in: pool)

            #expect(free.countSuccess == 2)
            #expect(freeAgain.countSuccess == 5)
            #expect(freeAgain.nextUse == nil)
            #expect(freeAgain.countUse == nil)
            #expect(used.countSuccess == 2)
            #expect(used.countUse == 4)
            #expect(used.lastUse == lastUse)
            #expect(used.nextUse == nextUse)
            #expect(try await store.countAvailable(in: pool) == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func successWithADelayExtendsTheHoldButNeverShortensIt(kind: StoreKind) async throws {
        let pool = uniquePool("success_delay")

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("s"), into: pool)

            let (short, shortWindow) = try await timed {
                try await store.recordSuccess(id: "s", nextUseDelay: .seconds(5), in: pool)
            }
            let (long, longWindow) = try await timed {
                try await store.recordSuccess(id: "s", nextUseDelay: .minutes(10), in: pool)
            }
            let shorter = try await store.recordSuccess(id: "s", count: 4, nextUseDelay: .seconds(5), in: pool)
            let locked = try await store.hold(id: "s", for: .seconds(30), in: pool)

            #expect(shortWindow.contains(short.nextUse, plus: .seconds(5)), "\(String(describing: short.nextUse))")
            #expect(longWindow.contains(long.nextUse, plus: .minutes(10)), "\(String(describing: long.nextUse))")
            #expect(shorter.nextUse == long.nextUse)
            #expect(shorter.countSuccess == 6)
            #expect(locked.nextUse == long.nextUse)
            #expect(locked.countSuccess == 6)
        }
    }
}
