import SessionCore
import Testing

/// The message for a member name that breaks the naming rules.
private let badName = #"field names must not be empty, start with '$' or hold '.', '"', '\' or control characters"#

@Suite struct SessionDocumentTests {
    let names = PoolFields()

    private func document(_ text: String) throws -> JSONObject {
        try #require(try JSONParser.parse(text).objectValue)
    }

    @Test func readsManagedFieldsAndKeepsTheRest() throws {
        let session = try Session(
            document: self.document(
                #"{"_id": "acc-1", "session": {"login": "a"}, "active": true, "#
                    + #""next_use": "2026-12-04T15:16:23.514+01:00", "count_use": 3, "note": "x"}"#
            ),
            fields: self.names
        )

        #expect(session.id == .string("acc-1"))
        #expect(session.active == true)
        #expect(session.nextUse?.rfc3339 == "2026-12-04T14:16:23.514Z")
        #expect(session.lastUse == nil)
        #expect(session.countUse == 3)
        #expect(session.fields.keys == ["session", "note"])
    }

    @Test func makesAnObjectIDWhenNoIDIsGivenAndKeepsHexStringsAsStrings() throws {
        let generated = try Session(document: self.document(#"{"session": {}}"#), fields: self.names)
        guard case .objectID(let objectID) = generated.id else {
            Issue.record("expected an ObjectId, got \(generated.id)")
            return
        }
        #expect(objectID.hex.count == 24)
        #expect(ObjectID(hex: objectID.hex) == objectID)

        let given = try Session(document: self.document(#"{"_id": "0123456789abcdef01234567"}"#), fields: self.names)
        #expect(given.id == .string("0123456789abcdef01234567"))
    }

    @Test(arguments: [
        (#"{"_id": 5}"#, "_id: must be a string, not a number"),
        (#"{"active": "yes"}"#, "active: must be a boolean, not a string"),
        (
            #"{"last_use": "2026-12-04T15:16:23"}"#,
            "last_use: must be an RFC 3339 date-time with a zone, such as 2026-12-04T15:16:23.514Z"
        ),
        (#"{"next_use": 17}"#, "next_use: must be an RFC 3339 date-time string, not a number"),
        (#"{"count_use": -1}"#, "count_use: must not be negative"),
        (#"{"count_success": 1.5}"#, "count_success: must be an integer, not a number"),
        (#"{"session": {"$set": 1}}"#, "session.$set: " + badName),
        (#"{"a.b": 1}"#, "a.b: " + badName),
        (#"{"session": 5}"#, "session: must be an object, not a number"),
        (#"{"x": {"a\"b": 1}}"#, #"x.a"b: "# + badName),
        (#"{"x": [{"$y": 1}]}"#, "x.$y: " + badName),
    ])
    func rejectsWronglyTypedManagedFieldsAndOperatorNames(text: String, message: String) throws {
        let document = try self.document(text)
        do {
            _ = try Session(document: document, fields: self.names)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func rendersIDFirstAndHonoursProjectionAndFieldNames() throws {
        var names = PoolFields()
        names.nextUse = "nextUse"
        let session = Session(
            id: .string("a"),
            nextUse: Timestamp(milliseconds: 0),
            countUse: 2,
            fields: JSONObject(["session": .object(JSONObject(["k": .string("v")])), "other": .int(1)])
        )

        let full = String(decoding: session.json(names: names).serialized(), as: UTF8.self)
        let projected = String(
            decoding: session.json(names: names, projection: ["session"]).serialized(),
            as: UTF8.self
        )

        #expect(
            full == #"{"_id":"a","session":{"k":"v"},"other":1,"nextUse":"1970-01-01T00:00:00.000Z","count_use":2}"#
        )
        #expect(projected == #"{"_id":"a","session":{"k":"v"}}"#)
    }

    @Test func updateSetsDottedPathsAndUnsetsFields() throws {
        var session = try Session(
            document: self.document(
                #"{"_id": "a", "session": {"phone": "1", "old": 2}, "next_use": "2030-01-01T00:00:00Z"}"#
            ),
            fields: self.names
        )
        let update = try SessionUpdate(
            json: self.document(
                #"{"set": {"session.phone": "+7", "session.extra.deep": true, "count_use": 4}, "#
                    + #""unset": ["session.old", "next_use"]}"#
            ),
            names: self.names
        )

        try update.apply(to: &session, names: self.names)

        #expect(session.nextUse == nil)
        #expect(session.countUse == 4)
        let rendered = String(decoding: session.json(names: self.names).serialized(), as: UTF8.self)
        #expect(rendered == #"{"_id":"a","session":{"phone":"+7","extra":{"deep":true}},"count_use":4}"#)
    }

    @Test(arguments: [
        (#"{"set": {"_id": "b"}}"#, "_id: _id cannot be changed"),
        (#"{"set": {"": 1}}"#, "an empty field path is not allowed"),
        (#"{"set": {"$inc": 1}}"#, "$inc: a field path must not start with '$'"),
        (#"{"unset": ["session.$x"]}"#, "session.$x: a field path must not start with '$'"),
        (#"{"set": {"a": 1}, "unset": ["a.b"]}"#, "a.b: conflicts with a in the same update"),
        (
            #"{"set": {"next_use": "tomorrow"}}"#,
            "next_use: must be an RFC 3339 date-time with a zone, such as 2026-12-04T15:16:23.514Z"
        ),
        (#"{"set": {"active.x": 1}}"#, "active.x: active is a managed field and has no sub-fields"),
        (#"{"set": {}}"#, #"an update needs at least one path in "set" or "unset""#),
        (#"{"replace": {}}"#, #"replace: unknown field; an update has "set" and "unset""#),
        (#"{"unset": "a"}"#, "unset: must be an array of dotted paths"),
        (#"{"set": {"session": [1]}}"#, "session: must be an object, not an array"),
        (#"{"set": {"x": {"$set": 1}}}"#, "x.$set: " + badName),
    ])
    func updateRejectsForbiddenPaths(text: String, message: String) throws {
        let document = try self.document(text)
        do {
            _ = try SessionUpdate(json: document, names: self.names)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func updateRefusesValuesThatWouldNestTooDeep() throws {
        let path = (0..<30).map { "s\($0)" }.joined(separator: ".")
        let value = String(repeating: "{\"a\":", count: 35) + "1" + String(repeating: "}", count: 35)
        let body = try self.document(#"{"set": {"\#(path)": \#(value)}}"#)

        #expect(throws: InputError.self) { try SessionUpdate(json: body, names: self.names) }
        let shallow = try self.document(#"{"set": {"\#(path)": {"a": 1}}}"#)
        #expect(try SessionUpdate(json: shallow, names: self.names).set.count == 1)
    }

    @Test func updateRefusesToSetInsideAScalar() throws {
        var session = try Session(document: self.document(#"{"_id": "a", "profile": "flat"}"#), fields: self.names)
        let update = try SessionUpdate(json: self.document(#"{"set": {"profile.phone": "1"}}"#), names: self.names)

        #expect(throws: InputError.self) { try update.apply(to: &session, names: self.names) }
    }
}
