import SessionCore

/// A BSON value built in Swift, turned into a libbson document only at the call that needs it.
///
/// Documents keep the order of their members, which MongoDB needs for sorts and commands. The
/// literal forms make queries read like the shell: `["$expr": ["$lte": ["$next_use", "$$NOW"]]]`.
indirect enum BSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case string(String)
    case date(Timestamp)
    case objectID(ObjectID)
    case document([BSONMember])
    case array([BSONValue])

    /// The value of a JSON input, with objects and arrays converted member by member.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int64(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let elements): self = .array(elements.map(BSONValue.init))
        case .object(let object): self = .document(object.members.map { BSONMember($0.key, BSONValue($0.value)) })
        }
    }

    /// The `_id` value a session id stands for.
    init(_ id: SessionID) {
        switch id {
        case .objectID(let objectID): self = .objectID(objectID)
        case .string(let text): self = .string(text)
        }
    }

    /// The members of a document value; empty for any other kind.
    var members: [BSONMember] {
        if case .document(let members) = self {
            return members
        }
        return []
    }
}

/// One named member of a BSON document.
struct BSONMember: Sendable, Equatable {
    var key: String
    var value: BSONValue

    init(_ key: String, _ value: BSONValue) {
        self.key = key
        self.value = value
    }
}

extension BSONValue: ExpressibleByDictionaryLiteral {
    init(dictionaryLiteral elements: (String, BSONValue)...) {
        self = .document(elements.map { BSONMember($0.0, $0.1) })
    }
}

extension BSONValue: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: BSONValue...) {
        self = .array(elements)
    }
}

extension BSONValue: ExpressibleByStringLiteral {
    init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension BSONValue: ExpressibleByIntegerLiteral {
    init(integerLiteral value: Int32) {
        self = .int32(value)
    }
}

extension BSONValue: ExpressibleByBooleanLiteral {
    init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension BSONValue: ExpressibleByNilLiteral {
    init(nilLiteral: ()) {
        self = .null
    }
}
