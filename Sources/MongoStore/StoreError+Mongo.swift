import CMongoC
import SessionCore

extension StoreError {
    /// Converts a libmongoc error (error API version 2) into the store's error, once, here.
    ///
    /// Unreachable servers and broken connections are `unavailable` (503); a duplicate key is
    /// `duplicateID` (409); documents or updates the server refuses are `invalidInput` (400);
    /// failed authentication is `misconfigured`; everything else is `internal`. The driver's
    /// message stays in ``message`` for logs only, since it can name hosts.
    init(mongo error: bson_error_t, operation: String) {
        let domain = mongoc_error_domain_t(rawValue: error.domain)
        let code = error.code
        let message = "\(operation): " + Self.text(of: error)
        let kind: Code
        switch domain {
        case MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_STREAM, MONGOC_ERROR_WRITE_CONCERN:
            kind = .unavailable
        case MONGOC_ERROR_SERVER:
            kind = Self.serverCodeMeaning(code)
        case MONGOC_ERROR_CLIENT:
            kind = code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue ? .misconfigured : .unavailable
        case MONGOC_ERROR_BSON:
            kind = .invalidInput
        case MONGOC_ERROR_COMMAND where code == MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue:
            kind = .invalidInput
        default:
            kind = .internal
        }
        self.init(kind, message, rawCode: Int32(truncatingIfNeeded: code))
        self.isUnreachable = domain == MONGOC_ERROR_SERVER_SELECTION || domain == MONGOC_ERROR_STREAM
        if kind == .invalidInput {
            self.clientMessage = "the MongoDB server refused the document or update (error \(code))"
        }
    }

    /// Server error codes, from the server's `error_codes.yml`.
    private static func serverCodeMeaning(_ code: UInt32) -> Code {
        switch code {
        case 11000, 11001, 12582:
            // DuplicateKey and its legacy forms.
            return .duplicateID
        case 2, 9, 14, 28, 40, 52, 55, 56, 57, 10334, 17419, 40352:
            // BadValue, FailedToParse, TypeMismatch, PathNotViable, ConflictingUpdateOperators,
            // names that start with `$`, are empty or hold a dot, InvalidDBRef, documents over
            // 16 MiB, empty field paths.
            return .invalidInput
        case 6, 7, 50, 89, 91, 189, 262, 9001, 10058, 10107, 11600, 11602, 13435, 13436:
            // Host unreachable or not found, time limits, shutdown, step-downs, not primary.
            return .unavailable
        case 13, 18:
            // Unauthorized, AuthenticationFailed.
            return .misconfigured
        default:
            return .internal
        }
    }

    /// The message of a `bson_error_t`, read up to its first NUL and never past its fixed size.
    private static func text(of error: bson_error_t) -> String {
        withUnsafeBytes(of: error.message) { bytes in
            let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }
}
