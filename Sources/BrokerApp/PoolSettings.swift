import SessionCore

/// Reads and checks the `pools` section of the configuration.
enum PoolSettings {
    /// Pool names appear in paths; collection names become table and collection names.
    private static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    private static let collectionCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")

    /// Endings the embedded store gives its own tables and indexes next to a collection's.
    private static let reservedSuffixes = ["_documents", "_ready_last_use", "_ready_next_use"]

    static func read(_ pools: ObjectReader) throws(ConfigurationError) -> [PoolConfiguration] {
        var result: [PoolConfiguration] = []
        var reader = pools
        for name in pools.keys {
            guard var settings = try reader.object(name) else {
                throw ConfigurationError(key: reader.keyPath(name), "must be an object")
            }
            result.append(try self.read(name: name, &settings))
        }
        guard !result.isEmpty else {
            throw ConfigurationError(key: "pools", "at least one pool is needed")
        }

        // Table names ignore case, so two collections differing only in case would be one table.
        var collections: [String: String] = [:]
        for pool in result {
            let folded = pool.collection.lowercased()
            if let other = collections[folded], other != pool.collection {
                throw ConfigurationError(
                    key: "pools.\(pool.name).collection",
                    "\"\(pool.collection)\" and \"\(other)\" differ only in case"
                )
            }
            collections[folded] = pool.collection
        }
        return result
    }

    private static func read(
        name: String,
        _ settings: inout ObjectReader
    ) throws(ConfigurationError)
        -> PoolConfiguration
    {
        guard (1...64).contains(name.count), name.allSatisfy(self.nameCharacters.contains) else {
            throw ConfigurationError(key: settings.name, "pool names use 1 to 64 letters, digits, '_' or '-'")
        }
        // The default pool keeps the collection it has without a configuration file.
        let collection =
            try settings.string("collection")
            ?? (name == PoolConfiguration.default.name ? PoolConfiguration.default.collection : name)
        guard (1...64).contains(collection.count), collection.allSatisfy(self.collectionCharacters.contains),
            !collection.hasPrefix("."), !collection.hasSuffix("."), !collection.contains(".."),
            !collection.lowercased().hasPrefix("sqlite_"), !collection.hasPrefix("system"),
            !self.reservedSuffixes.contains(where: { collection.lowercased().hasSuffix($0) })
        else {
            throw ConfigurationError(
                key: settings.keyPath("collection"),
                "use 1 to 64 letters, digits, '_', '-' or inner single dots, not starting with sqlite_ or system "
                    + "and not ending in "
                    + self.reservedSuffixes.joined(separator: ", ")
            )
        }

        var pool = PoolConfiguration(name: name, collection: collection)
        pool.lockTime = try settings.period("lock_time") ?? pool.lockTime
        pool.blockTime = try settings.period("block_time") ?? pool.blockTime
        pool.nextUseDelay = try settings.period("next_use_delay") ?? pool.nextUseDelay
        if var fields = try settings.object("fields") {
            pool.fields = try self.readFields(&fields)
        }
        if let filter = settings.raw("filter") {
            do {
                pool.filter = try LeaseFilter(json: filter)
            } catch {
                throw ConfigurationError(key: settings.keyPath("filter"), error.message)
            }
        }
        if let projection = settings.raw("projection") {
            pool.projection = try self.readProjection(projection, key: settings.keyPath("projection"))
        }
        try settings.rejectUnknown()
        return pool
    }

    private static func readFields(_ fields: inout ObjectReader) throws(ConfigurationError) -> PoolFields {
        var names = PoolFields()
        let settable: [(String, WritableKeyPath<PoolFields, String>)] = [
            ("session", \.session), ("active", \.active), ("last_use", \.lastUse), ("next_use", \.nextUse),
            ("count_use", \.countUse), ("count_success", \.countSuccess),
        ]
        for (key, keyPath) in settable {
            guard let name = try fields.string(key) else {
                continue
            }
            guard !name.isEmpty, !name.hasPrefix("$"), !name.contains("."), name != "_id" else {
                throw ConfigurationError(
                    key: fields.keyPath(key),
                    "a field name must not be empty, _id, or hold '$' or '.'"
                )
            }
            names[keyPath: keyPath] = name
        }
        try fields.rejectUnknown()

        let all = [names.session] + names.managed
        guard Set(all).count == all.count else {
            throw ConfigurationError(key: fields.name, "every field needs its own name")
        }
        return names
    }

    private static func readProjection(_ value: JSONValue, key: String) throws(ConfigurationError) -> [String] {
        guard case .array(let entries) = value, !entries.isEmpty else {
            throw ConfigurationError(key: key, "must be a non-empty array of top-level field names")
        }
        var names: [String] = []
        for entry in entries {
            guard case .string(let name) = entry, !name.isEmpty, !name.contains("."), !name.hasPrefix("$") else {
                throw ConfigurationError(key: key, "must hold top-level field names as strings")
            }
            names.append(name)
        }
        return names
    }
}
