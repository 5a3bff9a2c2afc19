import Foundation
import TestSupport
import Testing

extension MongoEndToEnd {
    @Test func twoBrokersOnOneDatabaseNeverHandOutASessionWithinItsCooldown() throws {
        let server = try MongoTestServer.shared()
        let url = server.url(database: MongoTestServer.uniqueDatabaseName("two_brokers"))
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let brokerA = try BrokerProcess(arguments: ["--mongo-url", url], directory: directory)
        defer { brokerA.stop(signal: SIGKILL) }
        let brokerB = try BrokerProcess(arguments: ["--mongo-url", url], directory: directory)
        defer { brokerB.stop(signal: SIGKILL) }

        let ids = try SessionDocuments.add(40, prefix: "two-brokers", through: brokerA)

        // Sixteen workers, every other one on each broker, take 240 leases of one second in all.
        let started = ContinuousClock.now
        let targets = (0..<16).map { index in
            index.isMultiple(of: 2)
                ? LeaseWorkers.Target(port: brokerA.port, taker: "broker A")
                : LeaseWorkers.Target(port: brokerB.port, taker: "broker B")
        }
        let workers = LeaseWorkers(
            targets: targets,
            leaseBody: #"{"next_use_delay": 1}"#,
            budget: LeaseBudget(240),
            backoff: .milliseconds(100),
            deadline: started + .seconds(25)
        )
        let log = workers.join()
        let elapsed = ContinuousClock.now - started

        let unexpected = log.exchanges.filter { $0.status != 200 && $0.status != 429 }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
        #expect(log.problems.isEmpty, "\(log.problems)")
        #expect(log.leases.count == 240)
        #expect(log.leases.allSatisfy { $0.nextUse > $0.lastUse })

        let check = CooldownCheck(log.leases)
        #expect(check.violations.isEmpty, "\(check.violations.prefix(10))")
        #expect(check.comparedPairs >= 240 - ids.count)

        let byA = log.leases.count { $0.taker == "broker A" }
        let byB = log.leases.count { $0.taker == "broker B" }
        #expect(byA > 0)
        #expect(byB > 0)

        let documents = try SessionDocuments.readAll(through: brokerB)
        #expect(Set(documents.compactMap { $0["_id"]?.stringValue }) == Set(ids))
        #expect(SessionDocuments.sum(of: "count_use", in: documents) == Int64(log.leases.count))
        #expect(SessionDocuments.sum(of: "count_success", in: documents) == Int64(log.successes))

        let rejected = log.exchanges(of: "POST /sessions/lease").count { $0.status == 429 }
        print(
            "two brokers: \(log.leases.count) leases (A \(byA), B \(byB)), \(log.successes) successes,"
                + " \(rejected) answers 429, \(check.comparedPairs) consecutive pairs checked,"
                + " in \(elapsed.inMilliseconds)"
        )
        #expect(brokerA.stop(signal: SIGTERM) == 0)
        #expect(brokerB.stop(signal: SIGTERM) == 0)
    }
}
