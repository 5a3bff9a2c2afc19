import CMongoC
import Foundation
import SessionCore

/// Reads libbson documents into ``BSONValue``s, copying everything out before the document goes away.
///
/// Iterators live in temporary storage aligned to 128 bytes, as `bson_iter_t` is declared.
enum BSONReader {
    /// Every member of the document at `document`, in stored order.
    static func members(of document: OpaquePointer) -> [BSONMember] {
        withIterator { iterator in
            guard bson_iter_init(iterator, document) else {
                return []
            }
            return self.members(from: iterator)
        }
    }

    private static func withIterator<Result>(_ body: (OpaquePointer) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: MemoryLayout<bson_iter_t>.size, alignment: 128) { storage in
            body(OpaquePointer(storage.baseAddress!))
        }
    }

    /// The members from the iterator's position to the end of its document.
    private static func members(from iterator: OpaquePointer) -> [BSONMember] {
        var members: [BSONMember] = []
        while bson_iter_next(iterator) {
            let key = String(cString: bson_iter_key(iterator))
            members.append(BSONMember(key, self.value(at: iterator)))
        }
        return members
    }

    private static func children(of iterator: OpaquePointer) -> [BSONMember] {
        withIterator { child in
            guard bson_iter_recurse(iterator, child) else {
                return []
            }
            return self.members(from: child)
        }
    }

    /// The value under the iterator. Types with no place in the broker's documents are read as
    /// their nearest JSON form: decimals as their digits, binary data as base64 text, regular
    /// expressions as `/pattern/options`, timestamps as one integer, and the rest as null.
    private static func value(at iterator: OpaquePointer) -> BSONValue {
        switch bson_iter_type(iterator) {
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iterator))
        case BSON_TYPE_INT32:
            return .int32(bson_iter_int32(iterator))
        case BSON_TYPE_INT64:
            return .int64(bson_iter_int64(iterator))
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iterator))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let characters = bson_iter_utf8(iterator, &length) else {
                return .null
            }
            let bytes = UnsafeRawBufferPointer(start: characters, count: Int(length))
            return .string(String(decoding: bytes, as: UTF8.self))
        case BSON_TYPE_DATE_TIME:
            return .date(Timestamp(milliseconds: bson_iter_date_time(iterator)))
        case BSON_TYPE_OID:
            guard let oid = bson_iter_oid(iterator) else {
                return .null
            }
            return .objectID(ObjectID(bytes: withUnsafeBytes(of: oid.pointee.bytes) { Array($0) }))
        case BSON_TYPE_DOCUMENT:
            return .document(self.children(of: iterator))
        case BSON_TYPE_ARRAY:
            return .array(self.children(of: iterator).map(\.value))
        case BSON_TYPE_DECIMAL128:
            return self.decimal(at: iterator)
        case BSON_TYPE_BINARY:
            var subtype = bson_subtype_t(rawValue: 0)
            var length: UInt32 = 0
            var bytes: UnsafePointer<UInt8>?
            bson_iter_binary(iterator, &subtype, &length, &bytes)
            guard let bytes else {
                return .string("")
            }
            return .string(Data(UnsafeBufferPointer(start: bytes, count: Int(length))).base64EncodedString())
        case BSON_TYPE_REGEX:
            var options: UnsafePointer<CChar>?
            guard let pattern = bson_iter_regex(iterator, &options) else {
                return .null
            }
            return .string("/" + String(cString: pattern) + "/" + (options.map { String(cString: $0) } ?? ""))
        case BSON_TYPE_TIMESTAMP:
            var seconds: UInt32 = 0
            var increment: UInt32 = 0
            bson_iter_timestamp(iterator, &seconds, &increment)
            return .int64(Int64(seconds) << 32 | Int64(increment))
        default:
            return .null
        }
    }

    private static func decimal(at iterator: OpaquePointer) -> BSONValue {
        var decimal = bson_decimal128_t()
        guard bson_iter_decimal128(iterator, &decimal) else {
            return .null
        }
        let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(BSON_DECIMAL128_STRING)) { buffer in
            bson_decimal128_to_string(&decimal, buffer.baseAddress)
            return String(cString: buffer.baseAddress!)
        }
        return .string(text)
    }
}
