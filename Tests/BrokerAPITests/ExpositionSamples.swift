import Testing

/// The samples of a Prometheus text body, by series as written (`name{label="value",...}`).
struct ExpositionSamples {
    let text: String
    private(set) var values: [String: String] = [:]
    /// The lines starting with `#`, in order.
    private(set) var comments: [String] = []

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                self.comments.append(String(line))
            } else if let space = line.lastIndex(of: " ") {
                self.values[String(line[..<space])] = String(line[line.index(after: space)...])
            }
        }
    }

    /// The value of `series` as a number; nil when it is not there.
    subscript(_ series: String) -> Double? {
        self.values[series].flatMap(Double.init)
    }

    /// The cumulative bucket counts of histogram `name` for `labels` (written as `key="value",`), in order of `le`.
    func buckets(_ name: String, _ labels: String) -> [(bound: String, count: Double)] {
        self.values.compactMap { series, value -> (String, Double)? in
            let prefix = "\(name)_bucket{\(labels),le=\""
            guard series.hasPrefix(prefix), let count = Double(value) else {
                return nil
            }
            return (String(series.dropFirst(prefix.count).dropLast(2)), count)
        }
        .sorted { (Double($0.0) ?? .infinity) < (Double($1.0) ?? .infinity) }
    }
}
