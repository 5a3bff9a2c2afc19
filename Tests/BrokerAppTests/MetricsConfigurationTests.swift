import BrokerApp
import Foundation
import SessionCore
import Testing

@Suite struct MetricsConfigurationTests {
    private func load(
        file text: String? = nil,
        environment: [String: String] = [:]
    ) throws(ConfigurationError)
        -> Configuration
    {
        var flags: [String: String] = [:]
        var path: String?
        if let text {
            let file = NSTemporaryDirectory() + "broker-metrics-\(UInt64.random(in: 0...UInt64.max)).json"
            try? text.write(toFile: file, atomically: true, encoding: .utf8)
            flags["config"] = file
            path = file
        }
        defer { path.map { try? FileManager.default.removeItem(atPath: $0) } }
        return try ConfigurationLoader.load(flags: flags, environment: environment)
    }

    @Test func theCacheTimeIsFiveSecondsUnlessConfigured() throws {
        #expect(try self.load().metricsCacheTime == .seconds(5))
        #expect(try self.load(file: #"{"metrics": {"cache_seconds": 0.5}}"#).metricsCacheTime.milliseconds == 500)
        #expect(try self.load(file: #"{"metrics": {"cache_seconds": 0}}"#).metricsCacheTime == .zero)
        let overridden = try self.load(
            file: #"{"metrics": {"cache_seconds": 30}}"#,
            environment: ["BROKER_METRICS_CACHE_SECONDS": "15"]
        )
        #expect(overridden.metricsCacheTime == .seconds(15))
    }

    @Test func aBadCacheTimeNamesItsKey() {
        #expect(throws: ConfigurationError.self) { try self.load(file: #"{"metrics": {"cache_seconds": 3601}}"#) }
        #expect(throws: ConfigurationError.self) { try self.load(file: #"{"metrics": {"cache_seconds": "5"}}"#) }
        #expect(throws: ConfigurationError.self) { try self.load(file: #"{"metrics": {"cache": 5}}"#) }
        #expect(throws: ConfigurationError.self) { try self.load(environment: ["BROKER_METRICS_CACHE_SECONDS": "-1"]) }

        let keys = [
            (#"{"metrics": {"cache_seconds": 3601}}"#, "metrics.cache_seconds"),
            (#"{"metrics": {"cache": 5}}"#, "metrics.cache"),
        ]
        for (text, key) in keys {
            do {
                _ = try self.load(file: text)
            } catch {
                #expect(error.key == key)
            }
        }
        do {
            _ = try self.load(environment: ["BROKER_METRICS_CACHE_SECONDS": "soon"])
        } catch {
            #expect(error.key == "BROKER_METRICS_CACHE_SECONDS")
        }
    }
}
