/// Narrows which sessions a lease may pick, by equality on fields of the document.
///
/// The language is deliberately small so that no database operator can reach a store from a
/// request: each condition is a dotted path and either one scalar (string, number, boolean,
/// null) or `{"$in": [scalars]}`. A `null` value matches a missing field too.
public struct LeaseFilter: Sendable, Equatable {
    /// What one field must hold.
    public enum Match: Sendable, Equatable {
        case equals(JSONValue)
        case oneOf([JSONValue])
    }

    /// One condition of the filter.
    public struct Condition: Sendable, Equatable {
        public var path: FieldPath
        public var match: Match
    }

    /// All conditions; a session is eligible when it meets every one.
    public var conditions: [Condition]

    /// The filter that accepts every session.
    public static let all = LeaseFilter(conditions: [])

    /// The most values one `$in` may list.
    public static let maximumChoices = 1000

    /// The most conditions one filter may have.
    public static let maximumConditions = 32

    public init(conditions: [Condition]) {
        self.conditions = conditions
    }

    /// Reads and validates a filter from its JSON object form.
    ///
    /// - Throws: ``InputError`` with code `invalid_filter` for anything outside the language.
    public init(json: JSONValue) throws(InputError) {
        guard case .object(let object) = json else {
            throw InputError(.invalidFilter, "filter must be an object, not \(json.kindName)")
        }
        guard object.members.count <= Self.maximumConditions else {
            throw InputError(.invalidFilter, "a filter may have at most \(Self.maximumConditions) conditions")
        }
        var conditions: [Condition] = []
        for member in object.members {
            let path = try FieldPath(member.key, code: .invalidFilter)
            conditions.append(Condition(path: path, match: try Self.match(for: member.value, path: path)))
        }
        self.conditions = conditions
    }

    private static func match(for value: JSONValue, path: FieldPath) throws(InputError) -> Match {
        if value.isScalar {
            return .equals(value)
        }
        guard case .object(let object) = value, object.members.count == 1, object.members[0].key == "$in" else {
            throw InputError(
                .invalidFilter,
                "\(path): a filter value must be a string, number, boolean, null or {\"$in\": [...]}"
            )
        }
        guard case .array(let choices) = object.members[0].value else {
            throw InputError(.invalidFilter, "\(path): $in takes an array")
        }
        guard choices.count <= Self.maximumChoices else {
            throw InputError(.invalidFilter, "\(path): $in takes at most \(Self.maximumChoices) values")
        }
        guard choices.allSatisfy(\.isScalar) else {
            throw InputError(.invalidFilter, "\(path): $in values must be strings, numbers, booleans or null")
        }
        return .oneOf(choices)
    }

    /// Both filters' conditions; a session must meet all of them.
    public func combined(with other: LeaseFilter) -> LeaseFilter {
        LeaseFilter(conditions: self.conditions + other.conditions)
    }

    /// Whether `document` meets every condition, read the way MongoDB reads equality.
    ///
    /// A null value matches a missing field; numbers compare by value whatever their type.
    public func matches(_ document: JSONObject) -> Bool {
        self.conditions.allSatisfy { condition in
            let found = Self.value(at: condition.path.segments[...], in: document)
            switch condition.match {
            case .equals(let expected): return Self.equal(found, expected)
            case .oneOf(let choices): return choices.contains { Self.equal(found, $0) }
            }
        }
    }

    private static func value(at path: ArraySlice<String>, in object: JSONObject) -> JSONValue? {
        guard let first = path.first, let value = object[first] else {
            return nil
        }
        guard path.count > 1 else {
            return value
        }
        guard case .object(let child) = value else {
            return nil
        }
        return self.value(at: path.dropFirst(), in: child)
    }

    private static func equal(_ found: JSONValue?, _ expected: JSONValue) -> Bool {
        switch (found, expected) {
        case (nil, .null), (.null?, .null): true
        case (.int(let a)?, .int(let b)): a == b
        case (.int(let a)?, .double(let b)): Double(a) == b
        case (.double(let a)?, .int(let b)): a == Double(b)
        case (let found?, _): found == expected
        case (nil, _): false
        }
    }
}
