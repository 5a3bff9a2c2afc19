import CSQLite
import SessionCore

extension StoreError {
    /// Converts an SQLite result code into the store's error. This is the only place that reads SQLite codes.
    ///
    /// - Parameters:
    ///   - resultCode: the extended result code of the failed call.
    ///   - message: SQLite's message, kept for logs only.
    init(sqliteResult resultCode: Int32, message: String) {
        let code: StoreError.Code
        switch resultCode & 0xFF {
        case SQLITE_CONSTRAINT where Self.isUniqueViolation(resultCode):
            code = .duplicateID
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PROTOCOL:
            code = .unavailable
        case SQLITE_TOOBIG, SQLITE_MISMATCH, SQLITE_RANGE:
            code = .invalidInput
        case SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_AUTH, SQLITE_PERM:
            code = .misconfigured
        default:
            code = .internal
        }
        self.init(code, "sqlite: \(message)", rawCode: resultCode)
    }

    private static func isUniqueViolation(_ resultCode: Int32) -> Bool {
        resultCode == shim_SQLITE_CONSTRAINT_PRIMARYKEY || resultCode == shim_SQLITE_CONSTRAINT_UNIQUE
    }
}
