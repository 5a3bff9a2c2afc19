import SessionCore
import TestSupport
import Testing

@Suite struct MetricsRoutesTests {
    private static let pools = [PoolConfiguration.default, PoolConfiguration(name: "tele-gram_1", collection: "tg")]

    private func scrape(
        _ broker: LiveBroker,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws
        -> ExpositionSamples
    {
        let response = try broker.request("GET", "/stats")
        #expect(response.status == 200, sourceLocation: sourceLocation)
        #expect(
            response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8",
            sourceLocation: sourceLocation
        )
        return ExpositionSamples(response.bodyText)
    }

    /// Three sessions leased, a miss, one of each action, a failed success, a named pool's miss and a
    /// path the API does not have.
    private func knownTraffic(_ broker: LiveBroker) throws {
        for id in ["a", "b", "c"] {
            #expect(try broker.request("POST", "/sessions", json: #"{"_id": "\#(id)"}"#).status == 201)
        }
        for _ in 0..<3 {
            #expect(try broker.request("POST", "/sessions/lease").status == 200)
        }
        #expect(try broker.request("POST", "/sessions/lease").status == 429)
        #expect(try broker.request("POST", "/sessions/a/success", json: #"{"count_success": 5}"#).status == 200)
        #expect(try broker.request("POST", "/sessions/b/lock").status == 200)
        #expect(try broker.request("POST", "/sessions/c/block").status == 200)
        #expect(try broker.request("POST", "/sessions/a/deactivate").status == 200)
        #expect(try broker.request("POST", "/sessions/a/activate").status == 200)
        #expect(try broker.request("POST", "/sessions/c/deactivate").status == 200)
        #expect(try broker.request("POST", "/sessions/missing/success").status == 404)
        #expect(try broker.request("POST", "/pools/tele-gram_1/sessions/lease").status == 429)
        #expect(try broker.request("GET", "/pools/tele-gram_1/sessions/some%2Fid").status == 404)
        #expect(try broker.request("GET", "/wp-admin/setup.php").status == 404)
    }

    @Test func countersHaveExactValuesAfterKnownRequests() throws {
        let broker = try LiveBroker(pools: Self.pools)
        defer { broker.shutdown() }
        try self.knownTraffic(broker)

        let samples = try self.scrape(broker)

        let counters: [(String, Double)] = [
            (#"session_broker_leases_total{pool="default"}"#, 3),
            (#"session_broker_lease_misses_total{pool="default"}"#, 1),
            (#"session_broker_successes_total{pool="default"}"#, 1),
            (#"session_broker_locks_total{pool="default"}"#, 1),
            (#"session_broker_blocks_total{pool="default"}"#, 1),
            (#"session_broker_deactivations_total{pool="default"}"#, 2),
            (#"session_broker_activations_total{pool="default"}"#, 1),
            (#"session_broker_leases_total{pool="tele-gram_1"}"#, 0),
            (#"session_broker_lease_misses_total{pool="tele-gram_1"}"#, 1),
            (#"session_broker_http_requests_total{route="/sessions",status="201"}"#, 3),
            (#"session_broker_http_requests_total{route="/sessions/lease",status="200"}"#, 3),
            (#"session_broker_http_requests_total{route="/sessions/lease",status="429"}"#, 1),
            (#"session_broker_http_requests_total{route="/sessions/{id}/success",status="200"}"#, 1),
            (#"session_broker_http_requests_total{route="/sessions/{id}/success",status="404"}"#, 1),
            (#"session_broker_http_requests_total{route="/sessions/{id}/deactivate",status="200"}"#, 2),
            (#"session_broker_http_requests_total{route="/pools/{pool}/sessions/lease",status="429"}"#, 1),
            (#"session_broker_http_requests_total{route="/pools/{pool}/sessions/{id}",status="404"}"#, 1),
            (#"session_broker_http_requests_total{route="other",status="404"}"#, 1),
            (#"session_broker_store_errors_total{kind="not_found"}"#, 2),
            (#"session_broker_store_errors_total{kind="unavailable"}"#, 0),
            (#"session_broker_pool_sessions{pool="default",state="available"}"#, 0),
            (#"session_broker_pool_sessions{pool="default",state="cooling"}"#, 2),
            (#"session_broker_pool_sessions{pool="default",state="inactive"}"#, 1),
            (#"session_broker_pool_sessions{pool="tele-gram_1",state="available"}"#, 0),
            (#"session_broker_pool_stored_uses{pool="default"}"#, 3),
            (#"session_broker_pool_stored_successes{pool="default"}"#, 5),
            ("session_broker_store_up", 1),
        ]
        for (series, value) in counters {
            #expect(samples[series] == value, "\(series)")
        }
        #expect(
            samples.values.keys.filter { $0.contains("/stats") && $0.hasPrefix("session_broker_http_requests") }.isEmpty
        )
        #expect(
            !samples.text.contains("missing") && !samples.text.contains("wp-admin") && !samples.text.contains("some")
        )

        let again = try self.scrape(broker)
        #expect(again[#"session_broker_http_requests_total{route="/stats",status="200"}"#] == 1)
        #expect(again[#"session_broker_leases_total{pool="default"}"#] == 3)
    }

    @Test func latencyHistogramsAreCumulativeAndCountEveryAnswer() throws {
        let broker = try LiveBroker(pools: Self.pools)
        defer { broker.shutdown() }
        try self.knownTraffic(broker)

        let samples = try self.scrape(broker)

        let name = "session_broker_http_request_duration_seconds"
        let lease = samples.buckets(name, #"route="/sessions/lease""#)
        #expect(
            lease.map(\.bound) == [
                "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                "0.5", "1", "2.5", "5", "10", "+Inf",
            ]
        )
        #expect(zip(lease, lease.dropFirst()).allSatisfy { $0.count <= $1.count })
        #expect(lease.last?.count == 4)
        #expect(samples[#"\#(name)_count{route="/sessions/lease"}"#] == 4)
        let sum = try #require(samples[#"\#(name)_sum{route="/sessions/lease"}"#])
        #expect(sum > 0 && sum < 10)
        #expect(samples[#"\#(name)_count{route="/sessions/{id}/deactivate"}"#] == 2)
        #expect(samples[#"\#(name)_count{route="other"}"#] == 1)
        #expect(samples[#"\#(name)_count{route="/readyz"}"#] == 0)
        #expect(samples.buckets(name, #"route="/readyz""#).allSatisfy { $0.count == 0 })
    }

    @Test func everyFamilyHasOneHelpAndOneTypeAndProcessFigures() throws {
        let broker = try LiveBroker(pools: Self.pools)
        defer { broker.shutdown() }
        let response = try broker.request("GET", "/stats")
        let samples = ExpositionSamples(response.bodyText)

        let helps = samples.comments.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] }
        let types = samples.comments.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(helps == types)
        #expect(Set(helps).count == helps.count)
        #expect(helps.allSatisfy { $0.hasPrefix("session_broker_") })
        #expect(response.body.last == UInt8(ascii: "\n"))

        let now = Double(Timestamp.now().milliseconds) / 1000
        let start = try #require(samples["session_broker_process_start_time_seconds"])
        #expect(start > now - 3600 && start <= now + 1)
        #expect((samples["session_broker_process_resident_memory_bytes"] ?? 0) > 1_000_000)
        #expect((samples["session_broker_process_open_fds"] ?? 0) >= 3)
        #expect(samples["session_broker_process_cpu_seconds_total"] != nil)
    }

    @Test func jsonKeepsTheFiguresOfEveryPoolWhenAskedFor() throws {
        let broker = try LiveBroker(pools: Self.pools)
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a", "count_use": 4, "count_success": 3}"#)
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "b", "active": false, "count_use": 2}"#)

        let byAccept = try broker.request("GET", "/stats", headers: [("Accept", "application/json")])
        let byQuery = try broker.request("GET", "/stats?format=json")

        for response in [byAccept, byQuery] {
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let pools = response.json()["pools"]?.objectValue
            let figures = pools?["default"]?.objectValue
            #expect(figures?["total"] == .int(2))
            #expect(figures?["available"] == .int(1))
            #expect(figures?["cooling"] == .int(0))
            #expect(figures?["inactive"] == .int(1))
            #expect(figures?["count_use"] == .int(6))
            #expect(figures?["count_success"] == .int(3))
            #expect(pools?["tele-gram_1"]?.objectValue?["total"] == .int(0))
        }
        #expect(try broker.request("GET", "/stats?format=xml").errorCode == "invalid_request")
        let head = try broker.request("HEAD", "/stats")
        #expect(head.status == 200 && head.body.isEmpty)
    }

    @Test func poolFiguresAreServedFromTheCacheWithinItsTime() throws {
        let broker = try LiveBroker(pools: Self.pools) { $0.metricsCacheTime = .seconds(600) }
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#)

        let first = try self.scrape(broker)
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "b"}"#)
        _ = try broker.request("POST", "/sessions/lease")
        let second = try self.scrape(broker)
        let json = try broker.request("GET", "/stats?format=json").json()["pools"]?.objectValue?["default"]?.objectValue

        let available = #"session_broker_pool_sessions{pool="default",state="available"}"#
        #expect(first[available] == 1)
        #expect(second[available] == 1)
        #expect(second[#"session_broker_pool_sessions{pool="default",state="cooling"}"#] == 0)
        #expect(second[#"session_broker_leases_total{pool="default"}"#] == 1)
        #expect(json?["total"] == .int(1))
    }
}
