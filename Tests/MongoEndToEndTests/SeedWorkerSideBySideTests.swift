import Foundation
import TestSupport
import Testing

extension MongoEndToEnd {
    @Test func brokerAndSeedWorkerOnOneCollectionNeverShareASessionWithinItsCooldown() throws {
        let server = try MongoTestServer.shared()
        let database = MongoTestServer.uniqueDatabaseName("seed_worker")
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try BrokerProcess(
            arguments: ["--mongo-url", server.url(database: database)],
            directory: directory
        )
        defer { broker.stop(signal: SIGKILL) }
        let ids = try SessionDocuments.add(30, prefix: "side-by-side", through: broker)

        // The seed worker takes 60 leases of one second; the broker's workers lease as long as it runs.
        let started = ContinuousClock.now
        let seedWorker = try SeedWorker(
            url: server.url,
            database: database,
            collection: "sessions",
            leases: 60,
            delay: 1,
            timeout: 25
        )
        defer { seedWorker.stop() }
        try #require(seedWorker.waitForFirstLease(timeout: 20), "\(seedWorker.otherOutput)")
        let workers = LeaseWorkers(
            targets: Array(repeating: LeaseWorkers.Target(port: broker.port, taker: "broker"), count: 4),
            leaseBody: #"{"next_use_delay": 1}"#,
            budget: LeaseBudget(400),
            backoff: .milliseconds(100),
            deadline: started + .seconds(25)
        )
        let status = seedWorker.waitForExit(timeout: 30)
        workers.stop()
        let log = workers.join()
        let elapsed = ContinuousClock.now - started

        #expect(status == 0, "\(seedWorker.otherOutput)")
        let unexpected = log.exchanges.filter { $0.status != 200 && $0.status != 429 }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
        #expect(log.problems.isEmpty, "\(log.problems)")
        let seedLeases = seedWorker.leases
        #expect(seedLeases.count == 60)
        #expect(!log.leases.isEmpty)

        // The broker stamps leases with the database server's clock ($$NOW), the seed worker with its
        // own. On one machine the two agree to about a millisecond, so where consecutive leases of a
        // session come from different sides a lease may start up to 5 ms before the other's next_use.
        let check = CooldownCheck(log.leases + seedLeases, crossClockTolerance: 5)
        #expect(check.violations.isEmpty, "\(check.violations.prefix(10))")
        #expect(check.comparedPairs >= log.leases.count + seedLeases.count - ids.count)
        #expect(check.crossClockPairs > 0)

        // The two sides really leased at the same time: broker leases fall between the seed worker's first and last.
        let seedSpan = (seedLeases.map(\.lastUse).min(), seedLeases.map(\.lastUse).max())
        let interleaved = log.leases.count { lease in
            guard let first = seedSpan.0, let last = seedSpan.1 else {
                return false
            }
            return first < lease.lastUse && lease.lastUse < last
        }
        #expect(interleaved > 0)

        let documents = try SessionDocuments.readAll(through: broker)
        #expect(Set(documents.compactMap { $0["_id"]?.stringValue }) == Set(ids))
        #expect(SessionDocuments.sum(of: "count_use", in: documents) == Int64(log.leases.count + seedLeases.count))
        #expect(SessionDocuments.sum(of: "count_success", in: documents) == Int64(log.successes))

        print(
            "broker beside the seed worker: \(log.leases.count) broker leases (\(interleaved) within the seed"
                + " worker's span), \(seedLeases.count) seed worker leases, \(check.comparedPairs) consecutive pairs"
                + " checked (\(check.crossClockPairs) across the two, closest \(check.closestCrossClockGap ?? 0) ms"
                + " after next_use), in \(elapsed.inMilliseconds)"
        )
        #expect(broker.stop(signal: SIGTERM) == 0)
    }
}
