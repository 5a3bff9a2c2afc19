import CMongoC
import SessionCore

/// A document owned by libbson, so that its storage has the alignment `bson_t` is declared with.
///
/// Swift's own storage for a `bson_t` is under-aligned, so documents come from `bson_new` and are
/// only ever handled through the pointer, which never leaves ``withPointer(_:)``.
final class BSONDocument {
    private let pointer: OpaquePointer

    /// An empty document.
    init() {
        self.pointer = bson_new()
    }

    /// The document holding `members`, in order.
    ///
    /// - Throws: ``StoreError`` (`invalidInput`) for a key libbson refuses, such as one holding NUL.
    convenience init(_ members: [BSONMember]) throws(StoreError) {
        self.init()
        for member in members {
            try self.append(member.key, member.value)
        }
    }

    /// The document a ``BSONValue/document(_:)`` describes; any other value gives an empty document.
    convenience init(_ value: BSONValue) throws(StoreError) {
        try self.init(value.members)
    }

    deinit {
        bson_destroy(self.pointer)
    }

    /// Runs `body` with the `bson_t *` for a libmongoc call; the pointer must not outlive the call.
    func withPointer<Result>(_ body: (OpaquePointer) throws(StoreError) -> Result) throws(StoreError) -> Result {
        try body(self.pointer)
    }

    /// Appends one member; arrays use the keys "0", "1", … as BSON requires.
    func append(_ key: String, _ value: BSONValue) throws(StoreError) {
        let length = Int32(key.utf8.count)
        let appended: Bool
        switch value {
        case .null:
            appended = bson_append_null(self.pointer, key, length)
        case .bool(let flag):
            appended = bson_append_bool(self.pointer, key, length, flag)
        case .int32(let number):
            appended = bson_append_int32(self.pointer, key, length, number)
        case .int64(let number):
            appended = bson_append_int64(self.pointer, key, length, number)
        case .double(let number):
            appended = bson_append_double(self.pointer, key, length, number)
        case .string(let text):
            var text = text
            appended = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { characters in
                    bson_append_utf8(self.pointer, key, length, characters.baseAddress, Int32(characters.count))
                }
            }
        case .date(let time):
            appended = bson_append_date_time(self.pointer, key, length, time.milliseconds)
        case .objectID(let id):
            var oid = bson_oid_t()
            id.bytes.withUnsafeBufferPointer { bson_oid_init_from_data(&oid, $0.baseAddress) }
            appended = bson_append_oid(self.pointer, key, length, &oid)
        case .document(let members):
            let child = try BSONDocument(members)
            appended = bson_append_document(self.pointer, key, length, child.pointer)
        case .array(let elements):
            let child = BSONDocument()
            for (index, element) in elements.enumerated() {
                try child.append(String(index), element)
            }
            appended = bson_append_array(self.pointer, key, length, child.pointer)
        }
        guard appended else {
            throw StoreError(.invalidInput, "a document cannot hold the field \(key.debugDescription)")
        }
    }
}
