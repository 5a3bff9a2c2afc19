import Foundation

/// Everything a child process writes to one pipe, read on a thread of its own from the start.
///
/// Reading all along keeps a talkative child from blocking on a full pipe. The text read so far is
/// available at any time, and a caller can wait for a line with a given content.
public final class ProcessOutput: @unchecked Sendable {
    private let condition = NSCondition()
    private var text = ""
    private var ended = false

    /// Starts reading `handle` until end of file.
    public init(reading handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                self.condition.lock()
                if data.isEmpty {
                    self.ended = true
                } else {
                    self.text += String(decoding: data, as: UTF8.self)
                }
                self.condition.broadcast()
                let finished = self.ended
                self.condition.unlock()
                if finished {
                    return
                }
            }
        }
        thread.start()
    }

    /// What the child has written so far.
    public var contents: String {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.text
    }

    /// The complete lines written so far, without their line feeds.
    public var lines: [String] {
        Self.completeLines(of: self.contents)
    }

    /// Waits for a complete line containing `fragment` and returns it.
    ///
    /// This method BLOCKS for at most `timeout` seconds; it returns nil when the child closes the pipe,
    /// or the time runs out, before such a line.
    public func waitForLine(containing fragment: String, timeout: TimeInterval) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        self.condition.lock()
        defer { self.condition.unlock() }
        while true {
            if let line = Self.completeLines(of: self.text).first(where: { $0.contains(fragment) }) {
                return line
            }
            guard !self.ended, self.condition.wait(until: deadline) else {
                return nil
            }
        }
    }

    /// Waits until the child has closed the pipe, for at most `timeout` seconds; returns whether it has.
    @discardableResult
    public func waitForEnd(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        self.condition.lock()
        defer { self.condition.unlock() }
        while !self.ended {
            guard self.condition.wait(until: deadline) else {
                return self.ended
            }
        }
        return true
    }

    /// The lines of `text` that end with a line feed; the part after the last one is not a line yet.
    private static func completeLines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
