import SessionCore

extension Session {
    /// Reads a stored document, however it was written.
    ///
    /// A managed field of the wrong type (a time stored as text, say) is not the broker's to
    /// reinterpret: it stays among the other fields as it was stored, and the session reads as if
    /// that field were missing, which for times means "available now".
    init(bson members: [BSONMember], names: PoolFields) {
        var id = SessionID.string("")
        var rest: [JSONObject.Member] = []
        var session = Session(id: id)
        for member in members {
            switch (member.key, member.value) {
            case ("_id", .objectID(let objectID)):
                id = .objectID(objectID)
            case ("_id", let other):
                id = .string(other.jsonValue.textForm)
            case (names.active, .bool(let active)):
                session.active = active
            case (names.lastUse, .date(let time)) where Timestamp.representable.contains(time):
                session.lastUse = time
            case (names.nextUse, .date(let time)) where Timestamp.representable.contains(time):
                session.nextUse = time
            case (MongoQueries.parkedField, _):
                continue
            case (names.lastUse, .null), (names.nextUse, .null), (names.active, .null),
                (names.countUse, .null), (names.countSuccess, .null):
                continue
            case (names.countUse, let value) where value.counter != nil:
                session.countUse = value.counter
            case (names.countSuccess, let value) where value.counter != nil:
                session.countSuccess = value.counter
            default:
                rest.append(JSONObject.Member(key: member.key, value: member.value.jsonValue))
            }
        }
        session.id = id
        session.fields = JSONObject(rest)
        self = session
    }

    /// The document to insert: `_id`, the other fields in order, then the managed fields that are set.
    func bson(names: PoolFields) -> [BSONMember] {
        var members = [BSONMember("_id", BSONValue(self.id))]
        members += self.fields.members.map { BSONMember($0.key, BSONValue($0.value)) }
        if let active = self.active {
            members.append(BSONMember(names.active, .bool(active)))
        }
        if let lastUse = self.lastUse {
            members.append(BSONMember(names.lastUse, .date(lastUse)))
        }
        if let nextUse = self.nextUse {
            members.append(BSONMember(names.nextUse, .date(nextUse)))
        }
        if let countUse = self.countUse {
            members.append(BSONMember(names.countUse, .int64(countUse)))
        }
        if let countSuccess = self.countSuccess {
            members.append(BSONMember(names.countSuccess, .int64(countSuccess)))
        }
        return members
    }
}

extension BSONValue {
    /// The value as clients see it: dates as RFC 3339 text, ObjectIds as their hexadecimal digits.
    ///
    /// A date RFC 3339 cannot write (before year 0 or after 9999) is shown in MongoDB's extended
    /// JSON form, `{"$date": {"$numberLong": "…"}}`, so that it is neither lost nor misread.
    var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int32(let value): .int(Int64(value))
        case .int64(let value): .int(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .date(let time) where Timestamp.representable.contains(time): .string(time.rfc3339)
        case .date(let time):
            .object(JSONObject(["$date": .object(JSONObject(["$numberLong": .string(String(time.milliseconds))]))]))
        case .objectID(let id): .string(id.hex)
        case .document(let members): .object(JSONObject(members.map { .init(key: $0.key, value: $0.value.jsonValue) }))
        case .array(let elements): .array(elements.map(\.jsonValue))
        }
    }

    /// A counter's value: an integer, or a double holding a whole number, as other writers may store it.
    var counter: Int64? {
        switch self {
        case .int32(let value): Int64(value)
        case .int64(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.2e18: Int64(value)
        default: nil
        }
    }
}

extension JSONValue {
    /// The value as one piece of text, for an `_id` of a type the broker does not create.
    var textForm: String {
        switch self {
        case .string(let text): text
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        default: String(decoding: self.serialized(), as: UTF8.self)
        }
    }
}

extension Int64 {
    /// The whole part of `value`, or the nearest bound when it lies outside, or 0 when it is not a number.
    init(clamping value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9.223_372_036_854_775e18 {
            self = .max
        } else if value <= -9.223_372_036_854_775e18 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
