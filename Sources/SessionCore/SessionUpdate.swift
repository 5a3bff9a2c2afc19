/// A change to one document: dotted paths to set and paths to remove, as `PATCH` sends them.
public struct SessionUpdate: Sendable, Equatable {
    public var set: [(path: FieldPath, value: JSONValue)]
    public var unset: [FieldPath]

    /// Reads `{"set": {...}, "unset": [...]}` and checks every path against the pool's field names.
    ///
    /// - Throws: ``InputError`` for `_id`, empty or `$`-prefixed paths, a path both set and unset,
    ///   a path below a managed field, a managed field of the wrong type, or an empty update.
    public init(json: JSONObject, names: PoolFields) throws(InputError) {
        self.set = []
        self.unset = []
        for member in json.members {
            switch member.key {
            case "set":
                guard case .object(let assignments) = member.value else {
                    throw .field("set", "must be an object of dotted paths and values")
                }
                for assignment in assignments.members {
                    let path = try Self.path(assignment.key, names: names)
                    if path.segments == [names.session] {
                        try Session.checkPayload(assignment.value, field: names.session)
                    }
                    try Session.checkNames(in: assignment.value, prefix: path.description)
                    guard path.segments.count + assignment.value.depth <= JSONParser.maximumDepth else {
                        throw .field(path.description, "would nest deeper than \(JSONParser.maximumDepth) levels")
                    }
                    self.set.append((path, assignment.value))
                }
            case "unset":
                guard case .array(let paths) = member.value else {
                    throw .field("unset", "must be an array of dotted paths")
                }
                for entry in paths {
                    guard case .string(let text) = entry else {
                        throw .field("unset", "must hold strings, not \(entry.kindName)")
                    }
                    self.unset.append(try Self.path(text, names: names))
                }
            default:
                throw .field(member.key, "unknown field; an update has \"set\" and \"unset\"")
            }
        }

        guard !self.set.isEmpty || !self.unset.isEmpty else {
            throw InputError(.invalidRequest, "an update needs at least one path in \"set\" or \"unset\"")
        }
        try self.checkConflicts()

        // Type errors in managed fields are reported now rather than half-way through applying.
        var probe = Session(id: .string("probe"))
        for (path, value) in self.set where names.managed.contains(path.root) {
            try probe.assign(value, to: path.root, names: names)
        }
    }

    public static func == (lhs: SessionUpdate, rhs: SessionUpdate) -> Bool {
        lhs.unset == rhs.unset && lhs.set.count == rhs.set.count
            && zip(lhs.set, rhs.set).allSatisfy { $0.path == $1.path && $0.value == $1.value }
    }

    private static func path(_ text: String, names: PoolFields) throws(InputError) -> FieldPath {
        let path = try FieldPath(text)
        guard path.root != "_id" else {
            throw .field(text, "_id cannot be changed")
        }
        if names.managed.contains(path.root) && path.segments.count > 1 {
            throw .field(text, "\(path.root) is a managed field and has no sub-fields")
        }
        return path
    }

    private func checkConflicts() throws(InputError) {
        let all = self.set.map(\.path) + self.unset
        for (index, path) in all.enumerated() {
            for other in all[(index + 1)...] where Self.overlaps(path, other) {
                throw .field(other.description, "conflicts with \(path) in the same update")
            }
        }
    }

    private static func overlaps(_ a: FieldPath, _ b: FieldPath) -> Bool {
        let shared = min(a.segments.count, b.segments.count)
        return a.segments.prefix(shared) == b.segments.prefix(shared)
    }

    /// Applies the update to `session` in place.
    ///
    /// - Throws: ``InputError`` when a path runs through a field that is not an object.
    public func apply(to session: inout Session, names: PoolFields) throws(InputError) {
        for (path, value) in self.set {
            if names.managed.contains(path.root) {
                try session.assign(value, to: path.root, names: names)
            } else {
                try Self.set(value, at: path.segments[...], in: &session.fields, fullPath: path)
            }
        }
        for path in self.unset {
            if names.managed.contains(path.root) {
                try session.assign(.null, to: path.root, names: names)
            } else {
                Self.remove(path.segments[...], from: &session.fields)
            }
        }
    }

    private static func set(
        _ value: JSONValue,
        at path: ArraySlice<String>,
        in object: inout JSONObject,
        fullPath: FieldPath
    ) throws(InputError) {
        let key = path.first!
        guard path.count > 1 else {
            object[key] = value
            return
        }
        var child: JSONObject
        switch object[key] {
        case nil, .null?:
            child = JSONObject()
        case .object(let existing)?:
            child = existing
        case let other?:
            throw .field(fullPath.description, "cannot set a field inside \(key), which is \(other.kindName)")
        }
        try self.set(value, at: path.dropFirst(), in: &child, fullPath: fullPath)
        object[key] = .object(child)
    }

    private static func remove(_ path: ArraySlice<String>, from object: inout JSONObject) {
        let key = path.first!
        guard path.count > 1 else {
            object.removeValue(forKey: key)
            return
        }
        guard case .object(var child)? = object[key] else {
            return
        }
        self.remove(path.dropFirst(), from: &child)
        object[key] = .object(child)
    }
}
