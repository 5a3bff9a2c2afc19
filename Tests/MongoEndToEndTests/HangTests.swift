import Foundation
import TestSupport
import Testing

extension MongoEndToEnd {
    @Test func brokerAnswers503WithinTheTimeoutsWhileTheDatabaseHangsAndRecoversByItself() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try MongoTestServer.startPrivate()
        defer { server.stop() }
        let serverSelection = Duration.seconds(1)
        let socket = Duration.seconds(2)
        let timeouts = "serverSelectionTimeoutMS=1000&socketTimeoutMS=2000"
        let broker = try BrokerProcess(
            arguments: ["--mongo-url", server.url(database: "hang") + "?" + timeouts],
            directory: directory
        )
        defer { broker.stop(signal: SIGKILL) }
        _ = try SessionDocuments.add(10, prefix: "hang", through: broker)

        // Six workers lease in a loop until told to stop; let them take some leases first.
        let workers = LeaseWorkers.looping(6, port: broker.port)
        defer {
            workers.stop()
            _ = workers.join()
        }
        try #require(waitUntil(within: .seconds(20)) { workers.snapshot.leases.count >= 30 })

        // The server freezes: its connections stay open and the kernel still accepts new ones, but
        // nothing is answered. The hang lasts twice both timeouts together, and until every worker
        // has had answers in it, so that requests meet commands in flight, queued requests and probes.
        server.suspend()
        let hungSince = ContinuousClock.now
        let firstLease = Exchange.probe("POST", "/sessions/lease", port: broker.port)
        let workersSawTheHang = waitUntil(within: .seconds(30)) {
            workers.snapshot.everyWorker(of: 6, hasExchanged: 3, since: hungSince)
                && ContinuousClock.now - hungSince >= (serverSelection + socket) * 2
        }
        let readinessAtTheEnd = Exchange.probe("GET", "/readyz", port: broker.port)
        let liveness = Exchange.probe("GET", "/healthz", port: broker.port)

        // It answers again; the broker finds that out by itself.
        let hungUntil = ContinuousClock.now
        server.resume()
        let recovery = Recovery(port: broker.port, within: .seconds(10))
        let workersRecovered = workers.waitUntilEveryWorker(of: 6, leasedSince: hungUntil, within: .seconds(10))
        workers.stop()
        let log = workers.join()

        #expect(workersSawTheHang)
        let hang = hungSince...hungUntil
        let duringHang = [firstLease, readinessAtTheEnd] + log.exchanges.filter { $0.lies(within: hang) }
        let wrong = duringHang.filter { $0.status != 503 || $0.errorCode != "store_unavailable" }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(liveness.status == 200, "\(liveness)")

        // No answer takes longer than a server selection and a socket timeout and two seconds more:
        // not those within the hang, nor those the freeze cut off, nor those in flight at the resume.
        // A read cut off by the freeze is tried again by the driver, so it can take two socket timeouts.
        let limit = serverSelection + socket + .seconds(2)
        let slow = (log.exchanges + [firstLease, readinessAtTheEnd]).filter { $0.latency > limit }
        #expect(slow.isEmpty, "\(slow.prefix(5))")
        let cutOff = log.exchanges.filter { $0.started < hungSince && $0.ended > hungSince }
        let resumed = log.exchanges.filter { $0.started < hungUntil && $0.ended > hungUntil }

        #expect(recovery.lease != nil && recovery.readiness != nil)
        #expect(workersRecovered)
        let unexplained = log.unexplained(after: recovery.lease)
        #expect(unexplained.isEmpty, "\(unexplained.prefix(5))")
        #expect(log.problems.isEmpty, "\(log.problems)")

        // The log has one warning when the server stopped answering and one notice when it answered again.
        let storeLines = broker.log.lines.filter { $0.contains("logger=store.mongo") }
        #expect(storeLines.count { $0.contains(#"msg="store unreachable""#) } == 1, "\(storeLines)")
        #expect(storeLines.count { $0.contains(#"msg="store reachable again""#) } == 1, "\(storeLines)")

        let latencies = duringHang.map(\.latency).sorted()
        let recoveryTimes = [recovery.lease, recovery.readiness].map { $0.map { ($0 - hungUntil).inMilliseconds } }
        print(
            """
            hang: \(duringHang.count) answers within the \((hungUntil - hungSince).inMilliseconds) hang, slowest \
            \((latencies.last ?? .zero).inMilliseconds), median \(latencies[latencies.count / 2].inMilliseconds), \
            first lease \(firstLease.latency.inMilliseconds), /readyz at the end \
            \(readinessAtTheEnd.latency.inMilliseconds); \(cutOff.count) requests cut off by the freeze, slowest \
            \((cutOff.map(\.latency).max() ?? .zero).inMilliseconds), answered \(cutOff.map { $0.status ?? 0 }); \
            \(resumed.count) in flight at the resume, slowest \
            \((resumed.map(\.latency).max() ?? .zero).inMilliseconds), answered \(resumed.map { $0.status ?? 0 }); \
            after the resume the first lease 200 came after \
            \(recoveryTimes[0] ?? "never"), /readyz 200 after \(recoveryTimes[1] ?? "never"); \
            \(log.leases.count) worker leases; store log lines: \(storeLines)
            """
        )
        #expect(broker.stop(signal: SIGTERM) == 0)
    }
}
