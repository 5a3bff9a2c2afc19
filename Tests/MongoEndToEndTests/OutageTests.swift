import Foundation
import TestSupport
import Testing

extension MongoEndToEnd {
    @Test func brokerAnswers503WhileTheDatabaseIsDownAndRecoversByItself() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try MongoTestServer.startPrivate(dataPath: directory.appendingPathComponent("mongo.sqlite3").path)
        defer { server.stop() }
        let broker = try BrokerProcess(
            arguments: ["--mongo-url", server.url(database: "outage")],
            directory: directory
        )
        defer { broker.stop(signal: SIGKILL) }
        let ids = try SessionDocuments.add(10, prefix: "outage", through: broker)

        // Three workers lease in a loop until told to stop; let them take some leases first.
        let workers = LeaseWorkers.looping(3, port: broker.port)
        defer {
            workers.stop()
            _ = workers.join()
        }
        try #require(waitUntil(within: .seconds(20)) { workers.snapshot.leases.count >= 15 })

        // The database goes away; every route that needs it answers 503 while it is gone.
        let stopping = ContinuousClock.now
        server.stop()
        let downSince = ContinuousClock.now
        let paths = [
            ("POST", "/sessions/lease"), ("GET", "/sessions?limit=10"), ("GET", "/sessions/\(ids[0])"),
            ("GET", "/sessions/count"), ("POST", "/sessions/\(ids[0])/success"), ("GET", "/stats?format=json"),
            ("GET", "/readyz"),
        ]
        let probes = paths.map { Exchange.probe($0.0, $0.1, port: broker.port) }
        let liveness = Exchange.probe("GET", "/healthz", port: broker.port)

        // The outage lasts over two server-selection timeouts (2 s each), so that requests meet both a
        // probe of the server in flight and new probes, and until every worker has had answers in it.
        let workersSawTheOutage = waitUntil(within: .seconds(20)) {
            workers.snapshot.everyWorker(of: 3, hasExchanged: 3, since: downSince)
                && ContinuousClock.now - downSince >= .seconds(5)
        }
        let readinessAtTheEnd = Exchange.probe("GET", "/readyz", port: broker.port)
        #expect(readinessAtTheEnd.status == 503)

        // It comes back on the same port; the broker finds it again by itself.
        let downUntil = ContinuousClock.now
        try server.restart()
        let restarted = ContinuousClock.now
        let recovery = Recovery(port: broker.port, within: .seconds(30))
        let workersRecovered = workers.waitUntilEveryWorker(of: 3, leasedSince: restarted, within: .seconds(30))
        workers.stop()
        let log = workers.join()

        #expect(workersSawTheOutage)
        let outage = downSince...downUntil
        let duringOutage = probes + [readinessAtTheEnd] + log.exchanges.filter { $0.lies(within: outage) }
        let wrong = duringOutage.filter { $0.status != 503 || $0.errorCode != "store_unavailable" }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        let slowest = duringOutage.map(\.latency).max() ?? .zero
        #expect(slowest <= .seconds(5), "\(duringOutage.filter { $0.latency > .seconds(5) }.prefix(5))")
        let cutOff = log.exchanges.filter { $0.started < downSince && $0.ended > downSince }
        let slowestCutOff = cutOff.map(\.latency).max() ?? .zero
        #expect(slowestCutOff <= .seconds(5), "\(cutOff)")
        #expect(liveness.status == 200, "\(liveness)")

        #expect(recovery.lease != nil && recovery.readiness != nil)
        #expect(workersRecovered)
        let unexplained = log.unexplained(after: recovery.lease)
        #expect(unexplained.isEmpty, "\(unexplained.prefix(5))")
        #expect(log.problems.isEmpty, "\(log.problems)")

        // Nothing acknowledged is lost: every lease answered 200 is counted; a lease cut off by the
        // outage may have been counted too without being answered 200.
        let documents = try SessionDocuments.readAll(through: broker)
        #expect(Set(documents.compactMap { $0["_id"]?.stringValue }) == Set(ids))
        let acknowledged = log.leases.count + (recovery.lease == nil ? 0 : 1)
        let uncertain = log.exchanges(of: "POST /sessions/lease").count { $0.status == 503 }
        let counted = SessionDocuments.sum(of: "count_use", in: documents) ?? -1
        #expect((Int64(acknowledged)...Int64(acknowledged + uncertain)).contains(counted))

        let recoveryTimes = [recovery.lease, recovery.readiness].map { $0.map { ($0 - restarted).inMilliseconds } }
        print(
            """
            outage: stopping the server took \((downSince - stopping).inMilliseconds), restarting it \
            \((restarted - downUntil).inMilliseconds); \(duringOutage.count) answers within the \
            \((downUntil - downSince).inMilliseconds) outage, slowest \(slowest.inMilliseconds), first \
            \(probes[0].latency.inMilliseconds); \(cutOff.count) requests cut off by the stop, slowest \
            \(slowestCutOff.inMilliseconds), answered \(cutOff.map { $0.status ?? 0 }); after the restart \
            the first lease 200 came after \(recoveryTimes[0] ?? "never"), /readyz 200 after \
            \(recoveryTimes[1] ?? "never"); \
            \(log.leases.count) worker leases, \(counted) counted
            """
        )
        #expect(broker.stop(signal: SIGTERM) == 0)
    }
}
