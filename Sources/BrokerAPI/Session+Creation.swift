import SessionCore

extension Session {
    /// Reads a new document as `POST /sessions` does, for every way sessions come in.
    ///
    /// The document is read with the pool's field names (see ``Session/init(document:fields:)``),
    /// and its `_id` must not be one that `/sessions/{id}` cannot reach.
    ///
    /// - Throws: ``InputError`` naming the offending field.
    public init(creating document: JSONObject, in pool: PoolConfiguration) throws(InputError) {
        try self.init(document: document, fields: pool.fields)
        guard !Route.reservedIDs.contains(self.id.text) else {
            throw .field("_id", "\"\(self.id.text)\" names a route under /sessions and cannot be used as an id")
        }
    }
}
