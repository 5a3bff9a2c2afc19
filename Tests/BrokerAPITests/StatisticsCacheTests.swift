import HTTPServer
import Logging
import SQLiteStore
import SessionCore
import Synchronization
import Testing

@testable import BrokerAPI

@Suite struct StatisticsCacheTests {
    private static let pools = [PoolConfiguration.default, PoolConfiguration(name: "second", collection: "second")]

    /// A handler on a counting in-memory store, with `cacheTime` for the statistics.
    private func handler(cacheTime: Duration) throws -> (BrokerHandler, CountingStore) {
        let store = CountingStore(try SQLiteSessionStore(path: ":memory:"))
        try store.prepare(pools: Self.pools)
        let handler = BrokerHandler(
            store: store,
            pools: Self.pools,
            logger: Logger(label: "test", level: .critical, handler: MemoryLogHandler()),
            statisticsCacheTime: cacheTime
        )
        return (handler, store)
    }

    private func answer(_ handler: BrokerHandler, _ target: String, accept: String? = nil) async -> HTTPResponse {
        let headers = HTTPHeaders(accept.map { [("Accept", $0)] } ?? [])
        return await withCheckedContinuation { continuation in
            handler.handle(
                HTTPRequest(method: "GET", target: target, headers: headers),
                responder: HTTPResponder { continuation.resume(returning: $0) }
            )
        }
    }

    @Test func twoScrapesWithinTheCacheTimeAskTheStoreOnce() async throws {
        let (handler, store) = try self.handler(cacheTime: .seconds(600))
        defer { store.close() }

        let first = await self.answer(handler, "/stats")
        let second = await self.answer(handler, "/stats")
        let json = await self.answer(handler, "/stats", accept: "application/json")

        #expect(first.status == 200 && second.status == 200 && json.status == 200)
        #expect(store.statisticsCount == Self.pools.count)
    }

    @Test func withoutCachingEveryScrapeAsksTheStore() async throws {
        let (handler, store) = try self.handler(cacheTime: .zero)
        defer { store.close() }

        _ = await self.answer(handler, "/stats")
        _ = await self.answer(handler, "/stats?format=json")

        #expect(store.statisticsCount == 2 * Self.pools.count)
    }

    @Test func aFailingStoreLeavesThePoolFiguresOutButNotTheCounters() async throws {
        let (handler, store) = try self.handler(cacheTime: .zero)
        defer { store.close() }
        store.failStatistics(true)

        let text = await self.answer(handler, "/stats")
        let json = await self.answer(handler, "/stats?format=json")

        let samples = ExpositionSamples(String(decoding: text.body, as: UTF8.self))
        #expect(text.status == 200)
        #expect(samples["session_broker_store_up"] == 0)
        #expect(!samples.text.contains("session_broker_pool_sessions"))
        #expect(samples[#"session_broker_leases_total{pool="default"}"#] == 0)
        #expect(samples[#"session_broker_store_errors_total{kind="unavailable"}"#] == 1)
        #expect(json.status == 503)

        store.failStatistics(false)
        let recovered = ExpositionSamples(String(decoding: await self.answer(handler, "/stats").body, as: UTF8.self))
        #expect(recovered["session_broker_store_up"] == 1)
        #expect(recovered[#"session_broker_pool_sessions{pool="second",state="available"}"#] == 0)
    }

    @Test func requestsWhileTheStoreIsAskedWaitForTheSameAnswer() {
        let cache = StatisticsCache(lifetime: .seconds(600))
        let fetches = Mutex<[StatisticsCache.Completion]>([])
        let answers = Atomic<Int>(0)

        for _ in 0..<3 {
            cache.read(fetch: { completion in fetches.withLock { $0.append(completion) } }) { result in
                if case .success(let figures) = result, figures.count == 1 {
                    answers.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(fetches.withLock { $0.count } == 1)
        #expect(answers.load(ordering: .relaxed) == 0)

        fetches.withLock { $0[0] }(.success([PoolStatistics()]))
        #expect(answers.load(ordering: .relaxed) == 3)
        cache.read(fetch: { _ in Issue.record("the store was asked again within the cache time") }) { _ in
            answers.add(1, ordering: .relaxed)
        }
        #expect(answers.load(ordering: .relaxed) == 4)
    }
}
