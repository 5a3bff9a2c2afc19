import CMongoC
import SessionCore

/// The commands the store sends to one collection, on a client popped for one operation.
///
/// Every method BLOCKS on the network. Replies are read into Swift values and destroyed before
/// the method returns; errors become ``StoreError`` through ``StoreError/init(mongo:operation:)``.
struct MongoCollection {
    let client: OpaquePointer
    let database: String
    let name: String

    /// Runs `findAndModify`: applies `update` (an update document or pipeline) to, or else removes,
    /// the first document `query` finds in `sort` order, and returns it as it is afterwards, or nil
    /// when none matched.
    func findAndModify(
        query: BSONValue,
        sort: BSONValue? = nil,
        update: BSONValue? = nil,
        operation: String
    ) throws(StoreError) -> [BSONMember]? {
        let options = mongoc_find_and_modify_opts_new()
        defer { mongoc_find_and_modify_opts_destroy(options) }

        if let sort {
            try BSONDocument(sort).withPointer { sort in
                _ = mongoc_find_and_modify_opts_set_sort(options, sort)
            }
        }
        if let update {
            _ = mongoc_find_and_modify_opts_set_flags(options, MONGOC_FIND_AND_MODIFY_RETURN_NEW)
            try BSONDocument(["update": update]).withPointer { extra in
                _ = mongoc_find_and_modify_opts_append(options, extra)
            }
        } else {
            _ = mongoc_find_and_modify_opts_set_flags(options, MONGOC_FIND_AND_MODIFY_REMOVE)
        }

        let query = try BSONDocument(query)
        let reply = try self.withCollection { collection throws(StoreError) in
            try query.withPointer { query throws(StoreError) in
                try Self.call(operation) { reply, error in
                    mongoc_collection_find_and_modify_with_opts(collection, query, options, reply, &error)
                }
            }
        }
        guard let value = reply.first(where: { $0.key == "value" })?.value, case .document(let document) = value else {
            return nil
        }
        return document
    }

    /// Inserts one document.
    func insert(_ document: [BSONMember], operation: String) throws(StoreError) {
        let document = try BSONDocument(document)
        _ = try self.withCollection { collection throws(StoreError) in
            try document.withPointer { document throws(StoreError) in
                try Self.call(operation) { reply, error in
                    mongoc_collection_insert_one(collection, document, nil, reply, &error)
                }
            }
        }
    }

    /// The documents `filter` finds, in `sort` order, at most `limit` of them, with the fields
    /// `projection` names (all without one).
    func find(
        _ filter: BSONValue,
        sort: BSONValue,
        limit: Int,
        projection: BSONValue? = nil,
        operation: String
    ) throws(StoreError) -> [[BSONMember]] {
        let filter = try BSONDocument(filter)
        var members = [BSONMember("sort", sort), BSONMember("limit", .int32(Int32(clamping: limit)))]
        if let projection {
            members.append(BSONMember("projection", projection))
        }
        let options = try BSONDocument(members)
        return try self.withCollection { collection throws(StoreError) in
            try filter.withPointer { filter throws(StoreError) in
                try options.withPointer { options throws(StoreError) in
                    try Self.drain(mongoc_collection_find_with_opts(collection, filter, options, nil), operation)
                }
            }
        }
    }

    /// The documents an aggregation `pipeline` produces.
    func aggregate(_ pipeline: [BSONValue], operation: String) throws(StoreError) -> [[BSONMember]] {
        let pipeline = try BSONDocument(["pipeline": .array(pipeline)])
        return try self.withCollection { collection throws(StoreError) in
            try pipeline.withPointer { pipeline throws(StoreError) in
                try Self.drain(
                    mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, pipeline, nil, nil),
                    operation
                )
            }
        }
    }

    /// Applies the update document `update` to every document `filter` finds; returns how many changed.
    func updateMany(_ filter: BSONValue, update: BSONValue, operation: String) throws(StoreError) -> Int64 {
        let filter = try BSONDocument(filter)
        let update = try BSONDocument(update)
        let reply = try self.withCollection { collection throws(StoreError) in
            try filter.withPointer { filter throws(StoreError) in
                try update.withPointer { update throws(StoreError) in
                    try Self.call(operation) { reply, error in
                        mongoc_collection_update_many(collection, filter, update, nil, reply, &error)
                    }
                }
            }
        }
        return reply.first { $0.key == "modifiedCount" }?.value.counter ?? 0
    }

    /// Runs a command that only reads, such as `ping`, against `database`, and returns its reply.
    func readCommand(_ command: BSONValue, database: String, operation: String) throws(StoreError) -> [BSONMember] {
        let command = try BSONDocument(command)
        return try command.withPointer { command throws(StoreError) in
            try Self.call(operation) { reply, error in
                mongoc_client_command_simple(self.client, database, command, nil, reply, &error)
            }
        }
    }

    /// Runs a database command that writes (such as `createIndexes`) and returns its reply.
    func writeCommand(_ command: BSONValue, operation: String) throws(StoreError) -> [BSONMember] {
        let command = try BSONDocument(command)
        return try command.withPointer { command throws(StoreError) in
            try Self.call(operation) { reply, error in
                mongoc_client_write_command_with_opts(self.client, self.database, command, nil, reply, &error)
            }
        }
    }

    private func withCollection<Result>(
        _ body: (OpaquePointer) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        let collection = mongoc_client_get_collection(self.client, self.database, self.name)!
        defer { mongoc_collection_destroy(collection) }
        return try body(collection)
    }

    /// Calls a libmongoc function that fills a `reply`, reads the reply and always destroys it.
    ///
    /// The reply lives in temporary storage aligned as `bson_t` is declared; libmongoc initialises
    /// it on every path, success or not.
    static func call(
        _ operation: String,
        _ function: (OpaquePointer, inout bson_error_t) -> Bool
    ) throws(StoreError) -> [BSONMember] {
        var error = bson_error_t()
        let (succeeded, reply) = withUnsafeTemporaryAllocation(
            byteCount: MemoryLayout<bson_t>.size,
            alignment: 128
        ) { storage in
            let reply = OpaquePointer(storage.baseAddress!)
            let succeeded = function(reply, &error)
            defer { bson_destroy(reply) }
            return (succeeded, BSONReader.members(of: reply))
        }
        guard succeeded else {
            throw StoreError(mongo: error, operation: operation)
        }
        return reply
    }

    /// Reads every document of a cursor (each copied at once, as the cursor owns it) and destroys it.
    private static func drain(_ cursor: OpaquePointer?, _ operation: String) throws(StoreError) -> [[BSONMember]] {
        guard let cursor else {
            throw StoreError(.internal, "\(operation): libmongoc returned no cursor")
        }
        defer { mongoc_cursor_destroy(cursor) }

        var documents: [[BSONMember]] = []
        var document: OpaquePointer?
        while mongoc_cursor_next(cursor, &document) {
            if let document {
                documents.append(BSONReader.members(of: document))
            }
        }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) {
            throw StoreError(mongo: error, operation: operation)
        }
        return documents
    }
}
