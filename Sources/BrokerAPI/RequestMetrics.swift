/// Requests the API answered, by route template and status, and how long each took.
struct RequestMetrics: Sendable {
    /// The statuses counted: every one an HTTP answer can have.
    static let statuses = 100..<600

    private let answers = AtomicCounters(count: RouteTemplate.all.count * statuses.count)
    let latency = LatencyHistogram(series: RouteTemplate.all.count)

    /// Counts one answer with `status` on `route` that took `nanoseconds`.
    func record(_ route: RouteTemplate, status: Int, nanoseconds: UInt64) {
        if Self.statuses.contains(status) {
            self.answers.add(at: route.index * Self.statuses.count + status - Self.statuses.lowerBound)
        }
        self.latency.observe(nanoseconds: nanoseconds, series: route.index)
    }

    /// How many answers with `status` `route` has had.
    func count(_ route: RouteTemplate, status: Int) -> UInt64 {
        guard Self.statuses.contains(status) else {
            return 0
        }
        return self.answers.value(at: route.index * Self.statuses.count + status - Self.statuses.lowerBound)
    }

    /// Writes the request counter, with a sample for each route and status that has been answered, and
    /// the latency histogram, with every route.
    func write(to text: inout PrometheusText, prefix: String) {
        let requests = prefix + "http_requests_total"
        text.family(requests, .counter, help: "Requests the API answered, by route template and status.")
        for (index, route) in RouteTemplate.all.enumerated() {
            for status in Self.statuses {
                let count = self.answers.value(at: index * Self.statuses.count + status - Self.statuses.lowerBound)
                if count > 0 {
                    text.sample(requests, [("route", route), ("status", String(status))], count)
                }
            }
        }

        self.latency.write(
            to: &text,
            name: prefix + "http_request_duration_seconds",
            help: "Time from a request reaching the API to its answer, by route template.",
            labels: { [("route", RouteTemplate.all[$0])] }
        )
    }
}
