import SessionCore

/// A `PATCH` as a MongoDB update document of `$set` and `$unset`, applied by the server in one step.
struct MongoUpdate {
    let document: BSONValue

    /// Converts `update`; managed fields get their stored types (times become dates), and a null
    /// managed field is removed, as a missing one means the same.
    ///
    /// - Throws: ``InputError`` for a managed field of the wrong type.
    init(_ update: SessionUpdate, names: PoolFields) throws(InputError) {
        var set: [BSONMember] = []
        var unset: [BSONMember] = []
        for (path, value) in update.set {
            guard names.managed.contains(path.root) else {
                set.append(BSONMember(path.description, BSONValue(value)))
                continue
            }
            if let stored = try Self.managedValue(value, name: path.root, names: names) {
                set.append(BSONMember(path.root, stored))
            } else {
                unset.append(BSONMember(path.root, ""))
            }
        }
        unset += update.unset.map { BSONMember($0.description, "") }

        // A new `next_use` is the client's to decide; parking must not outlast it.
        let paths = update.set.map(\.path) + update.unset
        if paths.contains(where: { $0.root == names.nextUse }) {
            unset.append(BSONMember(MongoQueries.parkedField, ""))
        }

        var members: [BSONMember] = []
        if !set.isEmpty {
            members.append(BSONMember("$set", .document(set)))
        }
        if !unset.isEmpty {
            members.append(BSONMember("$unset", .document(unset)))
        }
        self.document = .document(members)
    }

    /// The stored form of a managed field's JSON value, read the way a new document's would be.
    private static func managedValue(
        _ value: JSONValue,
        name: String,
        names: PoolFields
    ) throws(InputError) -> BSONValue? {
        let probe = try Session(document: JSONObject([.init(key: name, value: value)]), fields: names)
        return probe.bson(names: names).first { $0.key == name }?.value
    }
}
