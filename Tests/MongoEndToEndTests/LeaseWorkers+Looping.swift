extension LeaseWorkers {
    /// `count` workers on the broker on `port` that lease in a loop until told to stop, for at most
    /// 90 seconds: each lease holds its session 0.2 seconds, and an answer other than 200 is asked
    /// again after about 50 ms.
    static func looping(_ count: Int, port: Int) -> LeaseWorkers {
        LeaseWorkers(
            targets: Array(repeating: Target(port: port, taker: "broker"), count: count),
            leaseBody: #"{"next_use_delay": 0.2}"#,
            budget: LeaseBudget(100_000),
            backoff: .milliseconds(50),
            deadline: .now + .seconds(90)
        )
    }

    /// Waits until each of the workers `0..<workers` has had a lease answered 200 that it asked for at
    /// or after `instant`, for at most `limit`; returns whether they have.
    func waitUntilEveryWorker(
        of workers: Int,
        leasedSince instant: ContinuousClock.Instant,
        within limit: Duration
    ) -> Bool {
        waitUntil(within: limit) { self.snapshot.everyWorker(of: workers, leasedSince: instant) }
    }
}

extension LeaseWorkers.Log {
    /// Whether each of the workers `0..<workers` has had at least `answers` exchanges sent at or after `instant`.
    func everyWorker(of workers: Int, hasExchanged answers: Int, since instant: ContinuousClock.Instant) -> Bool {
        let seen = self.exchanges.filter { $0.started >= instant }
        return (0..<workers).allSatisfy { worker in seen.count { $0.worker == worker } >= answers }
    }

    /// Whether each of the workers `0..<workers` has had a lease answered 200 that it asked for at or after `instant`.
    func everyWorker(of workers: Int, leasedSince instant: ContinuousClock.Instant) -> Bool {
        let leases = self.exchanges(of: "POST /sessions/lease").filter { $0.started >= instant }
        return (0..<workers).allSatisfy { worker in leases.contains { $0.worker == worker && $0.status == 200 } }
    }

    /// The exchanges an outage does not explain: those that had no answer, answers other than 200,
    /// 429 and 503, and 503s to requests sent after `recovered`, when the broker was serving again.
    func unexplained(after recovered: ContinuousClock.Instant?) -> [Exchange] {
        self.exchanges.filter { exchange in
            guard let status = exchange.status, [200, 429, 503].contains(status) else {
                return true
            }
            return status == 503 && recovered.map { exchange.started > $0 } == true
        }
    }
}
