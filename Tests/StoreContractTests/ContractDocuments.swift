import SessionCore

/// A session read from its JSON form, the way a client sends it to be stored.
func document(_ json: String, in pool: PoolConfiguration) throws -> Session {
    guard case .object(let object) = try JSONParser.parse(json) else {
        throw InputError(.invalidRequest, "not a JSON object: \(json)")
    }
    return try Session(document: object, fields: pool.fields)
}

/// A lease filter read from its JSON form.
func filter(_ json: String) throws -> LeaseFilter {
    try LeaseFilter(json: JSONParser.parse(json))
}

/// An update read from its JSON form, `{"set": {...}, "unset": [...]}`.
func update(_ json: String, in pool: PoolConfiguration) throws -> SessionUpdate {
    guard case .object(let object) = try JSONParser.parse(json) else {
        throw InputError(.invalidRequest, "not a JSON object: \(json)")
    }
    return try SessionUpdate(json: object, names: pool.fields)
}

/// A session with a string id and nothing else.
func bare(_ id: String) -> Session {
    Session(id: .string(id))
}

/// The time `milliseconds` from now by the system clock; negative for the past.
func fromNow(milliseconds: Int64) -> Timestamp {
    Timestamp.now().adding(milliseconds: milliseconds)
}

extension Session {
    /// The value at a dotted path among the unmanaged fields, or nil where the path leads nowhere.
    func value(at path: String) -> JSONValue? {
        var current = JSONValue.object(self.fields)
        for key in path.split(separator: ".") {
            guard case .object(let object) = current, let next = object[String(key)] else {
                return nil
            }
            current = next
        }
        return current
    }

    /// The member names of the object at a dotted path, in any order.
    func keys(at path: String) -> Set<String> {
        Set(self.value(at: path)?.objectValue?.keys ?? [])
    }
}
