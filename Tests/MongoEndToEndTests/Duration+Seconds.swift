import Foundation

extension Duration {
    /// This duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// This duration for a person, in milliseconds with one decimal, such as `2000.9 ms`.
    var inMilliseconds: String {
        String(format: "%.1f ms", self.seconds * 1000)
    }
}
