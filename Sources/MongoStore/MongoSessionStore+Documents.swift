import SessionCore

extension MongoSessionStore {
    public func insert(_ session: Session, into pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>)
    {
        self.submit(pool, "insert", completion: completion) { collection throws(StoreError) in
            guard session.fields[MongoQueries.parkedField] == nil else {
                throw MongoQueries.reservedFieldError
            }
            try collection.insert(session.bson(names: pool.fields), operation: "insert")
            return session
        }
    }

    public func find(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>) {
        self.submit(pool, "find", completion: completion) { collection throws(StoreError) in
            let found = try collection.find(
                MongoQueries.byID(id),
                sort: MongoQueries.idOrder,
                limit: 1,
                operation: "find"
            )
            guard let document = found.first else {
                throw StoreError(.notFound, "no session \(id)")
            }
            return Session(bson: document, names: pool.fields)
        }
    }

    public func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        includeInactive: Bool,
        completion: @escaping StoreCompletion<SessionPage>
    ) {
        let queries = MongoQueries(names: pool.fields)
        self.submit(pool, "list", completion: completion) { collection throws(StoreError) in
            var page: [BSONMember] = []
            if let after {
                page.append(try Self.idsAfter(after, in: collection))
            }
            let filter =
                includeInactive ? queries.admitted(pool.filter, and: page) : queries.active(pool.filter, and: page)
            let documents = try collection.find(filter, sort: MongoQueries.idOrder, limit: limit + 1, operation: "list")
            var sessions = documents.map { Session(bson: $0, names: pool.fields) }

            // One document more than asked tells whether another page follows.
            guard sessions.count > limit else {
                return SessionPage(sessions: sessions, next: nil)
            }
            sessions.removeLast()
            return SessionPage(sessions: sessions, next: sessions.last?.id.text)
        }
    }

    /// The condition on `_id` for the page after `text`.
    ///
    /// MongoDB sorts every string `_id` before every ObjectId, and `$gt` compares within one type,
    /// so after an ObjectId only later ObjectIds follow, and after a string the later strings and
    /// then every ObjectId. 24 hexadecimal digits stand for an ObjectId unless the collection holds
    /// a string `_id` of that text, as a page that ended on one would have.
    private static func idsAfter(_ text: String, in collection: MongoCollection) throws(StoreError) -> BSONMember {
        if let objectID = ObjectID(hex: text) {
            let stringExists = try collection.find(
                ["_id": .string(text)],
                sort: MongoQueries.idOrder,
                limit: 1,
                projection: ["_id": 1],
                operation: "find where the page ends"
            )
            if stringExists.isEmpty {
                return BSONMember("_id", ["$gt": .objectID(objectID)])
            }
        }
        return BSONMember("$or", [["_id": ["$gt": .string(text)]], ["_id": ["$type": "objectId"]]])
    }

    public func update(
        id: String,
        with update: SessionUpdate,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        let document: Result<BSONValue, StoreError>
        if update.set.contains(where: { $0.path.root == MongoQueries.parkedField })
            || update.unset.contains(where: { $0.root == MongoQueries.parkedField })
        {
            document = .failure(MongoQueries.reservedFieldError)
        } else {
            do throws(InputError) {
                document = .success(try MongoUpdate(update, names: pool.fields).document)
            } catch {
                document = .failure(StoreError(.invalidInput, error.message))
            }
        }
        self.submit(pool, "update", completion: completion) { collection throws(StoreError) in
            try self.change(id: id, in: collection, names: pool.fields, update: document.get(), operation: "update")
        }
    }

    public func delete(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Void>) {
        self.submit(pool, "delete", completion: completion) { collection throws(StoreError) in
            let removed = try collection.findAndModify(
                query: MongoQueries.byID(id),
                sort: MongoQueries.idOrder,
                operation: "delete"
            )
            guard removed != nil else {
                throw StoreError(.notFound, "no session \(id)")
            }
        }
    }

    /// Changes the document `id` names with one `findAndModify` and returns it as changed; with no
    /// `update`, returns it as it is.
    func modify(
        id: String,
        in pool: PoolConfiguration,
        _ operation: String,
        update: BSONValue?,
        completion: @escaping StoreCompletion<Session>
    ) {
        guard let update else {
            self.find(id: id, in: pool, completion: completion)
            return
        }
        self.submit(pool, operation, completion: completion) { collection throws(StoreError) in
            try self.change(id: id, in: collection, names: pool.fields, update: update, operation: operation)
        }
    }

    /// Applies `update` to the document `id` names with one `findAndModify`; returns it as changed.
    private func change(
        id: String,
        in collection: MongoCollection,
        names: PoolFields,
        update: BSONValue,
        operation: String
    ) throws(StoreError) -> Session {
        let changed = try collection.findAndModify(
            query: MongoQueries.byID(id),
            sort: MongoQueries.idOrder,
            update: update,
            operation: operation
        )
        guard let changed else {
            throw StoreError(.notFound, "no session \(id)")
        }
        return Session(bson: changed, names: names)
    }
}
