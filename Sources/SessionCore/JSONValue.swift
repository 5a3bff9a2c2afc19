/// A JSON value as the broker reads and writes it.
///
/// Integers and fractional numbers are kept apart so that counters stay exact, and objects keep
/// the order of their members so that a stored document reads back as it was written.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The object this value holds, or nil for any other kind of value.
    public var objectValue: JSONObject? {
        if case .object(let object) = self {
            return object
        }
        return nil
    }

    /// Whether this is a string, a number, a boolean or null.
    public var isScalar: Bool {
        switch self {
        case .null, .bool, .int, .double, .string: true
        case .array, .object: false
        }
    }

    /// How many arrays and objects are nested in this value, itself included: 0 for a scalar.
    public var depth: Int {
        switch self {
        case .null, .bool, .int, .double, .string: 0
        case .array(let elements): 1 + (elements.map(\.depth).max() ?? 0)
        case .object(let object): 1 + (object.members.map(\.value.depth).max() ?? 0)
        }
    }

    /// A short name of the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
