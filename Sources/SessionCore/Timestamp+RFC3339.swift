extension Timestamp {
    /// The times RFC 3339 can write: years 0000 to 9999, in UTC.
    public static let representable =
        Timestamp(milliseconds: -62_167_219_200_000)...Timestamp(milliseconds: 253_402_300_799_999)

    /// The time as RFC 3339 in UTC with milliseconds, such as `2026-12-04T15:16:23.514Z`.
    ///
    /// A time outside ``representable`` is written as the nearest time inside it.
    public var rfc3339: String {
        let clamped = min(max(self, Self.representable.lowerBound), Self.representable.upperBound).milliseconds
        let millis = Int(((clamped % 1000) + 1000) % 1000)
        let seconds = (clamped - Int64(millis)) / 1000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civilDate(fromDays: days)

        var text = ""
        text.reserveCapacity(24)
        text += Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
        text += "T" + Self.padded(secondOfDay / 3600, 2) + ":" + Self.padded(secondOfDay / 60 % 60, 2)
        text += ":" + Self.padded(secondOfDay % 60, 2) + "." + Self.padded(millis, 3) + "Z"
        return text
    }

    /// Parses an RFC 3339 date-time that carries a zone (`Z` or `±hh:mm`).
    ///
    /// Fractions finer than a millisecond are truncated. Returns nil for anything else,
    /// including dates without a zone and impossible calendar dates.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else {
            return nil
        }
        guard let year = Self.digits(bytes, 0, 4), bytes[4] == UInt8(ascii: "-"),
            let month = Self.digits(bytes, 5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = Self.digits(bytes, 8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let hour = Self.digits(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
            let minute = Self.digits(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
            let second = Self.digits(bytes, 17, 2)
        else {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 61
        else {
            return nil
        }

        // An optional fraction, kept to the millisecond.
        var index = 19
        var millis = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if index - start < 3 {
                    millis = millis * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                }
                index += 1
            }
            guard index > start else {
                return nil
            }
            for _ in min(index - start, 3)..<3 {
                millis *= 10
            }
        }

        // The zone is mandatory.
        guard index < bytes.count else {
            return nil
        }
        var offsetMinutes = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count - index == 6, let zoneHours = Self.digits(bytes, index + 1, 2),
                bytes[index + 3] == UInt8(ascii: ":"), let zoneMinutes = Self.digits(bytes, index + 4, 2),
                zoneHours < 24, zoneMinutes < 60
            else {
                return nil
            }
            offsetMinutes = (zoneHours * 60 + zoneMinutes) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else {
            return nil
        }

        let days = Int64(Self.days(fromCivilYear: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
        let time = Timestamp(milliseconds: seconds * 1000 + Int64(millis))

        // A zone offset can push a date past the four-digit years that RFC 3339 can write back.
        guard Self.representable.contains(time) else {
            return nil
        }
        self = time
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else {
            return nil
        }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                return nil
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func days(fromCivilYear year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
