import Foundation
import SessionCore
import Synchronization
import TestSupport

/// Workers leasing through brokers, each on a thread of its own with one keep-alive connection.
///
/// A worker leases; on 200 it reports a success for the session and leases again; on any other
/// answer it waits a little (a jittered `backoff`, to pace the load) and asks again. Workers stop
/// when the budget is spent, the deadline passes or ``stop()`` is called. Everything they send and
/// receive is logged as it happens.
final class LeaseWorkers: Sendable {
    /// Where one worker leases: a broker's port, and the name its leases are recorded under.
    struct Target: Sendable {
        var port: Int
        var taker: String
    }

    /// What the workers did so far.
    struct Log: Sendable {
        var exchanges: [Exchange] = []
        var leases: [LeaseRecord] = []
        /// Answers that made a worker give up, such as a 200 without the lease's fields.
        var problems: [String] = []

        /// The exchanges whose request is `request` (such as `POST /sessions/lease`).
        func exchanges(of request: String) -> [Exchange] {
            self.exchanges.filter { $0.request == request }
        }

        /// How many success reports were answered 200.
        var successes: Int {
            self.exchanges.count(where: { $0.request.hasSuffix("/success") && $0.status == 200 })
        }
    }

    private let log = Mutex(Log())
    private let stopping = Atomic(false)
    private let finished = DispatchGroup()
    private let leaseBody: String
    private let backoff: Duration

    /// Starts one worker per target.
    ///
    /// - Parameters:
    ///   - leaseBody: the JSON body of every lease request, such as `{"next_use_delay": 1}`.
    ///   - budget: how many leases all workers together take at most.
    init(
        targets: [Target],
        leaseBody: String,
        budget: LeaseBudget,
        backoff: Duration,
        deadline: ContinuousClock.Instant
    ) {
        self.leaseBody = leaseBody
        self.backoff = backoff
        for (index, target) in targets.enumerated() {
            self.finished.enter()
            let thread = Thread { [self] in
                self.work(worker: index, target: target, budget: budget, deadline: deadline)
                self.finished.leave()
            }
            thread.start()
        }
    }

    /// A copy of what the workers did so far.
    var snapshot: Log {
        self.log.withLock { $0 }
    }

    /// Asks the workers to stop after the request each one is sending.
    func stop() {
        self.stopping.store(true, ordering: .relaxed)
    }

    /// Waits until every worker has stopped and returns what they did.
    func join() -> Log {
        self.finished.wait()
        return self.snapshot
    }

    private func work(worker: Int, target: Target, budget: LeaseBudget, deadline: ContinuousClock.Instant) {
        let connection = BrokerConnection(port: target.port)
        defer { connection.close() }

        while budget.take() {
            guard let lease = self.obtainLease(worker: worker, target: target, on: connection, deadline: deadline)
            else {
                budget.giveBack()
                return
            }
            self.log.withLock { $0.leases.append(lease) }

            _ = self.send("POST", "/sessions/\(lease.id)/success", worker: worker, on: connection)
        }
    }

    /// Leases until a lease is obtained, or nil when the workers are stopping or a 200 holds no lease.
    private func obtainLease(
        worker: Int,
        target: Target,
        on connection: BrokerConnection,
        deadline: ContinuousClock.Instant
    ) -> LeaseRecord? {
        while !self.stopping.load(ordering: .relaxed) && ContinuousClock.now < deadline {
            let response = self.send("POST", "/sessions/lease", json: self.leaseBody, worker: worker, on: connection)
            if let response, response.status == 200 {
                guard let answer = (try? JSONParser.parse(response.body))?.objectValue,
                    let lease = LeaseRecord(answer: answer, taker: target.taker)
                else {
                    self.log.withLock {
                        $0.problems.append("worker \(worker): a 200 without a lease: \(response.bodyText)")
                    }
                    return nil
                }
                return lease
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5) * self.backoff.seconds)
        }
        return nil
    }

    /// Sends one request and logs the exchange; nil when no answer came.
    private func send(
        _ method: String,
        _ path: String,
        json: String? = nil,
        worker: Int,
        on connection: BrokerConnection
    ) -> RawHTTPResponse? {
        let started = ContinuousClock.now
        let outcome = Result { try connection.send(method, path, json: json) }
        let request = path.hasSuffix("/success") ? "POST /sessions/{id}/success" : "\(method) \(path)"
        self.log.withLock {
            $0.exchanges.append(Exchange(request: request, worker: worker, started: started, outcome: outcome))
        }
        return try? outcome.get()
    }
}
