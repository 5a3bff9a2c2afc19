import SessionCore

extension Configuration {
    /// The longest `metrics.cache_seconds` may be: an hour.
    static let maximumMetricsCacheTime = Period.hours(1)

    /// ``metricsCacheTime`` in seconds as a person writes them: `5`, `0.5`.
    var metricsCacheSeconds: String {
        let milliseconds = self.metricsCacheTime.milliseconds
        return milliseconds % 1000 == 0 ? String(milliseconds / 1000) : String(Double(milliseconds) / 1000)
    }

    /// Checks that `period` is a cache time from zero to an hour.
    ///
    /// - Throws: ``ConfigurationError`` naming `key` otherwise.
    static func checkMetricsCacheTime(_ period: Period, key: String) throws(ConfigurationError) -> Period {
        guard (0...self.maximumMetricsCacheTime.milliseconds).contains(period.milliseconds) else {
            throw ConfigurationError(key: key, "must be from 0 to 3600 seconds")
        }
        return period
    }
}
