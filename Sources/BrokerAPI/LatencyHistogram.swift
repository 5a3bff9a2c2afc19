/// Durations counted into the buckets of a Prometheus histogram, one series per index.
///
/// Each observation adds to one bucket and to the sum, without a lock; the cumulative counts,
/// `_count` and the `+Inf` bucket are worked out when the histogram is written.
struct LatencyHistogram: Sendable {
    /// The upper bounds of the buckets in seconds, from half a millisecond to ten seconds.
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private static let boundNanoseconds = bounds.map { UInt64(($0 * 1e9).rounded()) }
    /// Per series: one cell per bucket, one for durations above the last bound, and the sum in nanoseconds.
    private static let stride = bounds.count + 2

    private let cells: AtomicCounters
    /// How many series there are.
    let series: Int

    init(series: Int) {
        self.series = series
        self.cells = AtomicCounters(count: series * Self.stride)
    }

    /// Counts one duration of `nanoseconds` in series `index`.
    func observe(nanoseconds: UInt64, series index: Int) {
        var bucket = 0
        while bucket < Self.boundNanoseconds.count, nanoseconds > Self.boundNanoseconds[bucket] {
            bucket += 1
        }
        let base = index * Self.stride
        self.cells.add(at: base + bucket)
        self.cells.add(nanoseconds, at: base + Self.stride - 1)
    }

    /// The figures of one series as the format states them.
    struct Snapshot: Equatable {
        /// Cumulative counts, one per bound and then the `+Inf` bucket.
        var buckets: [UInt64]
        var sumSeconds: Double

        /// The number of observations: the `+Inf` bucket.
        var count: UInt64 {
            self.buckets.last ?? 0
        }
    }

    func snapshot(series index: Int) -> Snapshot {
        let base = index * Self.stride
        var total: UInt64 = 0
        var buckets: [UInt64] = []
        buckets.reserveCapacity(Self.bounds.count + 1)
        for bucket in 0...Self.bounds.count {
            total &+= self.cells.value(at: base + bucket)
            buckets.append(total)
        }
        let sum = self.cells.value(at: base + Self.stride - 1)
        return Snapshot(buckets: buckets, sumSeconds: Double(sum) / 1e9)
    }

    /// Writes the family `name`: per series its buckets, `_sum` and `_count`, labelled by `labels(index)`.
    func write(
        to text: inout PrometheusText,
        name: String,
        help: String,
        labels: (Int) -> [(String, String)]
    ) {
        text.family(name, .histogram, help: help)
        for index in 0..<self.series {
            let snapshot = self.snapshot(series: index)
            let seriesLabels = labels(index)
            for (bucket, cumulative) in snapshot.buckets.enumerated() {
                let bound = bucket < Self.bounds.count ? Self.bounds[bucket].exposition : "+Inf"
                text.sample("\(name)_bucket", seriesLabels + [("le", bound)], cumulative)
            }
            text.sample("\(name)_sum", seriesLabels, snapshot.sumSeconds)
            text.sample("\(name)_count", seriesLabels, snapshot.count)
        }
    }
}
