/// A length of time such as a cooldown or a ban, kept to the millisecond.
///
/// Clients give it as plain seconds (`36000`, `1.5`) or in the seed library's object form
/// (`{"hours": 10}`), whose keys are `weeks`, `days`, `hours`, `minutes`, `seconds`,
/// `milliseconds` and `microseconds`, with values that may be fractional.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    /// The longest period accepted: ten years of 365.25 days.
    public static let maximum = Period(milliseconds: 315_576_000_000)

    public static let zero = Period(milliseconds: 0)

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func seconds(_ seconds: Int64) -> Period {
        Period(milliseconds: seconds * 1000)
    }

    public static func minutes(_ minutes: Int64) -> Period {
        .seconds(minutes * 60)
    }

    public static func hours(_ hours: Int64) -> Period {
        .minutes(hours * 60)
    }

    private static let unitMilliseconds: [(String, Double)] = [
        ("weeks", 604_800_000), ("days", 86_400_000), ("hours", 3_600_000), ("minutes", 60_000),
        ("seconds", 1000), ("milliseconds", 1), ("microseconds", 0.001),
    ]

    /// Reads a period from JSON: a number of seconds or an object of units.
    ///
    /// - Parameter field: the name used in error messages.
    /// - Throws: ``InputError`` (`invalid_request`) for a negative, too long, unknown or wrongly typed value.
    public init(json: JSONValue, field: String) throws(InputError) {
        var total: Double
        switch json {
        case .int(let seconds):
            total = Double(seconds) * 1000
        case .double(let seconds):
            total = seconds * 1000
        case .object(let object):
            guard !object.isEmpty else {
                throw .field(field, "a period needs at least one unit, such as {\"seconds\": 30}")
            }
            total = 0
            for member in object.members {
                guard let unit = Self.unitMilliseconds.first(where: { $0.0 == member.key }) else {
                    let units = Self.unitMilliseconds.map(\.0).joined(separator: ", ")
                    throw .field("\(field).\(member.key)", "unknown unit; use one of \(units)")
                }
                let amount: Double
                switch member.value {
                case .int(let value): amount = Double(value)
                case .double(let value): amount = value
                default: throw .field("\(field).\(member.key)", "must be a number, not \(member.value.kindName)")
                }
                guard amount >= 0 else {
                    throw .field("\(field).\(member.key)", "must not be negative")
                }
                total += amount * unit.1
            }
        default:
            throw .field(
                field,
                "must be a number of seconds or an object such as {\"hours\": 10}, not \(json.kindName)"
            )
        }

        guard total >= 0 else {
            throw .field(field, "must not be negative")
        }
        guard total <= Double(Self.maximum.milliseconds) else {
            throw .field(field, "must be at most ten years")
        }
        self.init(milliseconds: Int64(total.rounded()))
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// The period in seconds, with a fraction when it is not whole.
    public var seconds: Double {
        Double(self.milliseconds) / 1000
    }

    public var description: String {
        self.milliseconds % 1000 == 0 ? "\(self.milliseconds / 1000)s" : "\(self.seconds)s"
    }
}
