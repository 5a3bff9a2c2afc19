extension Session {
    /// The longest `_id` accepted, in UTF-8 bytes, so that every id fits in a request line as a path.
    public static let maximumIDLength = 512

    /// Reads a document a client sent to be stored.
    ///
    /// `_id`, when present, must be a string and is kept as a string id; without it a new ObjectId
    /// is made. The managed fields must have their types: `active` a boolean, the times RFC 3339
    /// strings with a zone, the counters non-negative integers; `null` stands for a missing field.
    /// Member names must not be empty, start with `$` or contain `.`, at any depth.
    ///
    /// - Throws: ``InputError`` naming the offending field.
    public init(document: JSONObject, fields names: PoolFields) throws(InputError) {
        var rest = document
        switch rest.removeValue(forKey: "_id") {
        case nil:
            self.init(id: .objectID(.generate()))
        case .string(let text)?:
            guard !text.isEmpty, text.utf8.count <= Self.maximumIDLength else {
                throw .field("_id", "must have 1 to \(Self.maximumIDLength) bytes")
            }
            self.init(id: .string(text))
        case let other?:
            throw .field("_id", "must be a string, not \(other.kindName)")
        }

        try Self.checkNames(of: rest, prefix: "")
        try Self.checkPayload(rest[names.session], field: names.session)
        for name in names.managed {
            if let value = rest.removeValue(forKey: name) {
                try self.assign(value, to: name, names: names)
            }
        }
        self.fields = rest
    }

    /// Sets the managed field `name` from its JSON form; null clears it.
    ///
    /// - Throws: ``InputError`` when the value has the wrong type for that field.
    mutating func assign(_ value: JSONValue, to name: String, names: PoolFields) throws(InputError) {
        switch name {
        case names.active:
            self.active = try Self.boolean(value, field: name)
        case names.lastUse:
            self.lastUse = try Self.time(value, field: name)
        case names.nextUse:
            self.nextUse = try Self.time(value, field: name)
        case names.countUse:
            self.countUse = try Self.counter(value, field: name)
        case names.countSuccess:
            self.countSuccess = try Self.counter(value, field: name)
        default:
            preconditionFailure("\(name) is not a managed field")
        }
    }

    /// The document as clients see it: `_id` first, then the stored fields, then the managed ones.
    ///
    /// - Parameter projection: top-level fields to keep besides `_id`; nil keeps everything.
    public func json(names: PoolFields, projection: [String]? = nil) -> JSONObject {
        var members = [JSONObject.Member(key: "_id", value: .string(self.id.text))]
        members.reserveCapacity(self.fields.members.count + 6)
        members += self.fields.members
        if let active = self.active {
            members.append(.init(key: names.active, value: .bool(active)))
        }
        if let lastUse = self.lastUse {
            members.append(.init(key: names.lastUse, value: .string(lastUse.rfc3339)))
        }
        if let nextUse = self.nextUse {
            members.append(.init(key: names.nextUse, value: .string(nextUse.rfc3339)))
        }
        if let countUse = self.countUse {
            members.append(.init(key: names.countUse, value: .int(countUse)))
        }
        if let countSuccess = self.countSuccess {
            members.append(.init(key: names.countSuccess, value: .int(countSuccess)))
        }
        if let projection {
            members.removeAll { $0.key != "_id" && !projection.contains($0.key) }
        }
        return JSONObject(members)
    }

    /// The payload handed to workers must be an object when present.
    static func checkPayload(_ value: JSONValue?, field: String) throws(InputError) {
        switch value {
        case nil, .null?, .object?: return
        case let other?: throw .field(field, "must be an object, not \(other.kindName)")
        }
    }

    /// Checks every member name in `value`, at any depth, against the rules of ``FieldPath`` segments.
    static func checkNames(in value: JSONValue, prefix: String) throws(InputError) {
        switch value {
        case .object(let object):
            try self.checkNames(of: object, prefix: prefix)
        case .array(let elements):
            for element in elements {
                try self.checkNames(in: element, prefix: prefix)
            }
        default:
            return
        }
    }

    private static func checkNames(of object: JSONObject, prefix: String) throws(InputError) {
        for member in object.members {
            let path = prefix.isEmpty ? member.key : "\(prefix).\(member.key)"
            let forbidden = member.key.unicodeScalars.contains {
                $0 == "." || $0 == "\"" || $0 == "\\" || $0.value < 0x20
            }
            guard !member.key.isEmpty, !member.key.hasPrefix("$"), !forbidden else {
                throw .field(
                    path,
                    "field names must not be empty, start with '$' or hold '.', '\"', '\\' or control characters"
                )
            }
            try self.checkNames(in: member.value, prefix: path)
        }
    }

    private static func boolean(_ value: JSONValue, field: String) throws(InputError) -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        default: throw .field(field, "must be a boolean, not \(value.kindName)")
        }
    }

    private static func time(_ value: JSONValue, field: String) throws(InputError) -> Timestamp? {
        switch value {
        case .null:
            return nil
        case .string(let text):
            guard let time = Timestamp(rfc3339: text) else {
                throw .field(field, "must be an RFC 3339 date-time with a zone, such as 2026-12-04T15:16:23.514Z")
            }
            return time
        default:
            throw .field(field, "must be an RFC 3339 date-time string, not \(value.kindName)")
        }
    }

    private static func counter(_ value: JSONValue, field: String) throws(InputError) -> Int64? {
        switch value {
        case .null: return nil
        case .int(let count) where count >= 0: return count
        case .int: throw .field(field, "must not be negative")
        default: throw .field(field, "must be an integer, not \(value.kindName)")
        }
    }
}
