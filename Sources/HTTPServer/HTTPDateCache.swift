import Glibc

/// The `Date` header line (RFC 9110 IMF-fixdate), formatted at most once per second.
///
/// NOT THREAD-SAFE: each event loop keeps its own and refreshes it once per wake-up.
struct HTTPDateCache {
    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT` followed by CRLF, ready to copy into a response.
    private(set) var line: [UInt8] = []
    private var second = -1

    private static let days: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Creates the cache filled for the current second.
    init() {
        self.update(epochSeconds: Int(time(nil)))
    }

    /// Re-formats the line if `epochSeconds` differs from the second it holds.
    mutating func update(epochSeconds: Int) {
        guard epochSeconds != self.second else {
            return
        }
        self.second = epochSeconds
        self.line = Self.format(epochSeconds: epochSeconds)
    }

    /// Formats `Date: <IMF-fixdate>\r\n` for a Unix time in seconds.
    static func format(epochSeconds: Int) -> [UInt8] {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)

        var out: [UInt8] = []
        out.reserveCapacity(37)
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: Self.bytes(Self.days[Int(parts.tm_wday)]))
        out.append(contentsOf: ", ".utf8)
        Self.appendTwoDigits(Int(parts.tm_mday), to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: Self.bytes(Self.months[Int(parts.tm_mon)]))
        out.append(UInt8(ascii: " "))
        let year = Int(parts.tm_year) + 1900
        Self.appendTwoDigits(year / 100, to: &out)
        Self.appendTwoDigits(year % 100, to: &out)
        out.append(UInt8(ascii: " "))
        Self.appendTwoDigits(Int(parts.tm_hour), to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendTwoDigits(Int(parts.tm_min), to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendTwoDigits(Int(parts.tm_sec), to: &out)
        out.append(contentsOf: " GMT\r\n".utf8)
        return out
    }

    private static func bytes(_ text: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }

    private static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(value / 10))
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
