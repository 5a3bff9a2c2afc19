import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The messages of `import` and `export` on standard error and, on a terminal, one progress line
/// that keeps updating below them.
///
/// When standard error is not a terminal there is no progress line at all, so logs and pipes
/// receive only whole lines. Any thread may write.
final class StatusOutput: Sendable {
    private struct State {
        var isProgressShown = false
        var lastProgress: ContinuousClock.Instant
    }

    private let isTerminal: Bool
    private let start = ContinuousClock.now
    private let state: Mutex<State>

    /// How often the progress line changes at most.
    static let progressInterval = Duration.milliseconds(200)

    init() {
        self.isTerminal = isatty(STDERR_FILENO) == 1
        self.state = Mutex(State(lastProgress: self.start))
    }

    /// Seconds since this output was created.
    var elapsed: Double {
        let elapsed = ContinuousClock.now - self.start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// ``elapsed`` with two decimals, for messages.
    var elapsedText: String {
        String(Double(Int(self.elapsed * 100)) / 100)
    }

    /// Writes `text` as a line of its own, above the progress line.
    func line(_ text: String) {
        self.state.withLock { state in
            self.write((state.isProgressShown ? "\r\u{1B}[K" : "") + text + "\n")
            state.isProgressShown = false
        }
    }

    /// Shows `count` things done (such as "lines") and their rate, on a terminal and at most every
    /// ``progressInterval``; does nothing otherwise.
    func progress(_ count: Int, _ unit: String, detail: @autoclosure () -> String = "") {
        guard self.isTerminal else {
            return
        }
        self.state.withLock { state in
            let now = ContinuousClock.now
            guard now - state.lastProgress >= Self.progressInterval else {
                return
            }
            state.lastProgress = now
            state.isProgressShown = true
            let rate = Int((Double(count) / max(self.elapsed, 0.001)).rounded())
            let extra = detail()
            self.write("\r\u{1B}[K\(count) \(unit), \(rate) \(unit)/s" + (extra.isEmpty ? "" : ", \(extra)"))
        }
    }

    /// Removes the progress line, if one is shown.
    func clearProgress() {
        self.state.withLock { state in
            if state.isProgressShown {
                self.write("\r\u{1B}[K")
                state.isProgressShown = false
            }
        }
    }

    private func write(_ text: String) {
        try? FileDescriptorWriter(descriptor: STDERR_FILENO).write(Array(text.utf8))
    }
}
