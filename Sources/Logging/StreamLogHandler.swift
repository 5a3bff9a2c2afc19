import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes one line per event to standard error, as logfmt or as a JSON object.
public struct StreamLogHandler: LogHandler {
    /// The shape of each line.
    public enum Format: String, Sendable, CaseIterable {
        case logfmt
        case json
    }

    private let format: Format
    private static let writeLock = Mutex(())

    public init(format: Format) {
        self.format = format
    }

    public func log(_ event: LogEvent) {
        var line =
            switch self.format {
            case .logfmt: Self.logfmtLine(event, time: Self.timestamp())
            case .json: Self.jsonLine(event, time: Self.timestamp())
            }
        line.append("\n")

        // One write per line under a lock keeps lines from different threads whole.
        Self.writeLock.withLock { _ in
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR {
                        continue
                    }
                    guard written > 0 else {
                        return
                    }
                    offset += written
                }
            }
        }
    }

    /// Renders `event` as `key=value` pairs; values with spaces, quotes or `=` are quoted.
    public static func logfmtLine(_ event: LogEvent, time: String) -> String {
        var parts = [
            "time=\(time)",
            "level=\(event.level.rawValue)",
            "logger=\(self.logfmtValue(event.label))",
            "msg=\(self.logfmtValue(event.message))",
        ]
        for key in event.metadata.keys.sorted() {
            parts.append("\(key)=\(self.logfmtValue(event.metadata[key]!))")
        }
        return parts.joined(separator: " ")
    }

    /// Renders `event` as one JSON object with `time`, `level`, `logger`, `msg` and the metadata keys.
    public static func jsonLine(_ event: LogEvent, time: String) -> String {
        var parts = [
            "\"time\":\(JSONText.quoted(time))",
            "\"level\":\(JSONText.quoted(event.level.rawValue))",
            "\"logger\":\(JSONText.quoted(event.label))",
            "\"msg\":\(JSONText.quoted(event.message))",
        ]
        for key in event.metadata.keys.sorted() {
            parts.append("\(JSONText.quoted(key)):\(JSONText.quoted(event.metadata[key]!))")
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        return needsQuotes ? JSONText.quoted(value) : value
    }

    private static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = spec.tv_nsec / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            parts.tm_year + 1900,
            parts.tm_mon + 1,
            parts.tm_mday,
            parts.tm_hour,
            parts.tm_min,
            parts.tm_sec,
            Int32(millis)
        )
    }
}
