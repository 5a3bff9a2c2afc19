import Foundation
import SessionCore
import TestSupport
import Testing

@Suite struct PrometheusIntegrationTests {
    /// Sessions in two pools, leases, a miss, actions and errors, so that every family has samples.
    private func traffic(_ broker: LiveBroker) throws {
        for id in ["a", "b", "c"] {
            _ = try broker.request("POST", "/sessions", json: #"{"_id": "\#(id)"}"#)
        }
        for _ in 0..<4 {
            _ = try broker.request("POST", "/sessions/lease")
        }
        _ = try broker.request("POST", "/sessions/a/success")
        _ = try broker.request("POST", "/sessions/b/lock")
        _ = try broker.request("POST", "/sessions/c/deactivate")
        _ = try broker.request("POST", "/pools/tele-gram_1/sessions/lease")
        _ = try broker.request("GET", "/nothing/here")
        _ = try broker.request("GET", "/stats")
    }

    @Test func promtoolAcceptsTheRealOutput() throws {
        let broker = try LiveBroker(pools: [.default, PoolConfiguration(name: "tele-gram_1", collection: "tg")])
        defer { broker.shutdown() }
        try self.traffic(broker)

        let body = try broker.request("GET", "/stats").bodyText
        let (status, output) = try PrometheusTools.checkMetrics(body)

        #expect(status == 0, "promtool check metrics: \(output)")
        #expect(output.isEmpty, "\(output)")
    }

    @Test func aPrometheusServerScrapesTheBrokersCounters() throws {
        let broker = try LiveBroker(pools: [.default, PoolConfiguration(name: "tele-gram_1", collection: "tg")])
        defer { broker.shutdown() }
        try self.traffic(broker)
        let prometheus = try PrometheusServer(scraping: broker.port)
        defer { prometheus.stop() }

        let series = #"session_broker_leases_total{pool="default"}"#
        let deadline = ContinuousClock.now + .seconds(60)
        var scraped: String?
        while ContinuousClock.now < deadline {
            scraped = try prometheus.query(series)
            if scraped != nil {
                break
            }
            Thread.sleep(forTimeInterval: 0.25)
        }

        let own = ExpositionSamples(try broker.request("GET", "/stats").bodyText)
        #expect(own[series] == 3)
        #expect(scraped.flatMap(Double.init) == own[series], "Prometheus log: \(prometheus.log.contents)")
        let up = try prometheus.query(#"up{job="session-broker"}"#)
        #expect(up == "1")
        #expect(try prometheus.query(#"session_broker_lease_misses_total{pool="tele-gram_1"}"#) == "1")
    }
}
