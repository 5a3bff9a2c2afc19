import SessionCore

/// Reads typed settings from one JSON object of the configuration, naming each key in errors by
/// its full dotted path, and remembers which keys were read so that the rest can be refused.
struct ObjectReader {
    private let object: JSONObject
    private let path: String
    private var read: Set<String> = []

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    /// The full dotted name of this object, such as `pools.default`.
    var name: String {
        self.path
    }

    /// The full name of `key` for messages, such as `pools.default.lock_time`.
    func keyPath(_ key: String) -> String {
        self.path.isEmpty ? key : "\(self.path).\(key)"
    }

    private mutating func value(_ key: String) -> JSONValue? {
        self.read.insert(key)
        if case .null? = self.object[key] {
            return nil
        }
        return self.object[key]
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        switch self.value(key) {
        case nil: return nil
        case .string(let text)?: return text
        case let other?: throw ConfigurationError(key: self.keyPath(key), "must be a string, not \(other.kindName)")
        }
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int64>) throws(ConfigurationError) -> Int64? {
        switch self.value(key) {
        case nil:
            return nil
        case .int(let number)? where range.contains(number):
            return number
        case .int?:
            throw ConfigurationError(key: self.keyPath(key), "must be from \(range.lowerBound) to \(range.upperBound)")
        case let other?:
            throw ConfigurationError(key: self.keyPath(key), "must be an integer, not \(other.kindName)")
        }
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String,
        _: Choice.Type
    )
        throws(ConfigurationError) -> Choice? where Choice.RawValue == String
    {
        guard let text = try self.string(key) else {
            return nil
        }
        return try Self.choice(text, key: self.keyPath(key))
    }

    /// Reads `text` as one of `Choice`'s raw values, case-insensitively.
    static func choice<Choice: RawRepresentable & CaseIterable>(
        _ text: String,
        key: String
    )
        throws(ConfigurationError) -> Choice where Choice.RawValue == String
    {
        guard let choice = Choice(rawValue: text.lowercased()) else {
            let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(key: key, "\"\(text)\" is not one of \(choices)")
        }
        return choice
    }

    mutating func period(_ key: String) throws(ConfigurationError) -> Period? {
        guard let value = self.value(key) else {
            return nil
        }
        do {
            return try Period(json: value, field: self.keyPath(key))
        } catch {
            throw Self.configurationError(from: error)
        }
    }

    mutating func positivePeriod(_ key: String) throws(ConfigurationError) -> Period? {
        let period = try self.period(key)
        if let period, period.milliseconds <= 0 {
            throw ConfigurationError(key: self.keyPath(key), "must be longer than zero")
        }
        return period
    }

    mutating func object(_ key: String) throws(ConfigurationError) -> ObjectReader? {
        switch self.value(key) {
        case nil: return nil
        case .object(let child)?: return ObjectReader(child, path: self.keyPath(key))
        case let other?: throw ConfigurationError(key: self.keyPath(key), "must be an object, not \(other.kindName)")
        }
    }

    /// The raw value of `key`, for settings with their own readers.
    mutating func raw(_ key: String) -> JSONValue? {
        self.value(key)
    }

    /// The names of all members, for objects keyed by user-chosen names such as pools.
    var keys: [String] {
        self.object.keys
    }

    func rejectUnknown() throws(ConfigurationError) {
        for key in self.object.keys where !self.read.contains(key) {
            throw ConfigurationError(key: self.keyPath(key), "unknown setting")
        }
    }

    /// A configuration error from an input error whose message starts with the full key, as
    /// `pools.a.lock_time.days: must not be negative`.
    static func configurationError(from error: InputError) -> ConfigurationError {
        guard let colon = error.message.range(of: ": ") else {
            return ConfigurationError(key: "configuration", error.message)
        }
        return ConfigurationError(
            key: String(error.message[..<colon.lowerBound]),
            String(error.message[colon.upperBound...])
        )
    }
}
