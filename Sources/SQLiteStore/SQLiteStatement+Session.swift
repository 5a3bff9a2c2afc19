import SessionCore

extension SQLiteStatement {
    /// Reads the current row, laid out as ``SessionTable/columns``, as a session.
    ///
    /// - Throws: ``StoreError`` (`internal`) when the stored document is not a JSON object.
    func session() throws(StoreError) -> Session {
        let idText = self.text(0)
        let id: SessionID =
            self.int64(1) != 0
            ? ObjectID(hex: idText).map { .objectID($0) } ?? .string(idText)
            : .string(idText)
        let fields: JSONObject
        do {
            guard case .object(let object) = try JSONParser.parse(self.bytes(7)) else {
                throw StoreError(.internal, "stored document \(idText) is not a JSON object")
            }
            fields = object
        } catch let error as JSONParseError {
            throw StoreError(.internal, "stored document \(idText) is not JSON: \(error.message)")
        } catch {
            throw error as! StoreError
        }
        return Session(
            id: id,
            active: self.optionalInt64(2).map { $0 != 0 },
            lastUse: self.optionalInt64(3).map(Timestamp.init(milliseconds:)),
            nextUse: self.optionalInt64(4).map(Timestamp.init(milliseconds:)),
            countUse: self.optionalInt64(5),
            countSuccess: self.optionalInt64(6),
            fields: fields
        )
    }
}

extension Session {
    /// The values of the state columns after `id` for ``SessionTable/replace``: active … count_success, ready.
    func columnValues(at now: Timestamp) -> [SQLiteValue] {
        let ready = self.nextUse.map { $0 <= now } ?? true
        return [
            SQLiteValue(self.active.map { $0 ? 1 : 0 }),
            SQLiteValue(self.lastUse?.milliseconds),
            SQLiteValue(self.nextUse?.milliseconds),
            SQLiteValue(self.countUse),
            SQLiteValue(self.countSuccess),
            .integer(ready ? 1 : 0),
        ]
    }

    /// The stored document: every field the broker does not manage, as compact JSON.
    var documentText: SQLiteValue {
        .text(String(decoding: self.fields.serialized(), as: UTF8.self))
    }

    var isObjectID: Bool {
        if case .objectID = self.id {
            return true
        }
        return false
    }
}
