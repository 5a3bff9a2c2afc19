import CSQLite
import SessionCore

/// A prepared statement with typed binding and reading.
///
/// It belongs to its ``SQLiteDatabase`` and shares its thread.
final class SQLiteStatement {
    private let raw: OpaquePointer
    private unowned let database: SQLiteDatabase

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ raw: OpaquePointer, database: SQLiteDatabase) {
        self.raw = raw
        self.database = database
    }

    deinit {
        sqlite3_finalize(self.raw)
    }

    func reset() {
        sqlite3_reset(self.raw)
        sqlite3_clear_bindings(self.raw)
    }

    /// Binds `values` to the parameters `?1`, `?2`, … in order.
    func bind(_ values: [SQLiteValue]) throws(StoreError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(self.raw, index)
            case .integer(let number): result = sqlite3_bind_int64(self.raw, index, number)
            case .real(let number): result = sqlite3_bind_double(self.raw, index, number)
            case .text(let text): result = self.bind(text, at: index)
            }
            guard result == SQLITE_OK else {
                throw self.database.error(result)
            }
        }
    }

    /// Binds `text` with its byte length, so that a NUL inside it is kept rather than ending it.
    private func bind(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { buffer in
            // An empty buffer may have no address, which SQLite would take for NULL.
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                return sqlite3_bind_text(self.raw, index, "", 0, Self.transient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_bind_text(self.raw, index, $0, Int32(buffer.count), Self.transient)
            }
        }
    }

    /// Steps once; true when a row is ready to read, false when the statement is done.
    func step() throws(StoreError) -> Bool {
        let result = sqlite3_step(self.raw)
        switch result {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let error = self.database.error(result)
            sqlite3_reset(self.raw)
            throw error
        }
    }

    /// Runs the statement to completion, ignoring any rows.
    func run(_ values: [SQLiteValue] = []) throws(StoreError) {
        try self.bind(values)
        while try self.step() {}
    }

    /// Binds `values`, steps once and returns the first column of the row it must produce.
    ///
    /// - Throws: ``StoreError`` (`internal`) when the statement produced no row.
    func singleInteger(_ values: [SQLiteValue]) throws(StoreError) -> Int64 {
        try self.bind(values)
        guard try self.step() else {
            throw StoreError(.internal, "a statement that returns a row returned none")
        }
        return self.int64(0)
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(self.raw, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(self.raw, column)
    }

    /// A number read as a double and clamped to the range of `Int64`, for sums that may exceed it.
    func clampedInt64(_ column: Int32) -> Int64 {
        let value = sqlite3_column_double(self.raw, column)
        if value >= Double(Int64.max) {
            return Int64.max
        }
        return value <= Double(Int64.min) ? Int64.min : Int64(value)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        self.isNull(column) ? nil : self.int64(column)
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(self.raw, column) else {
            return ""
        }
        let count = Int(sqlite3_column_bytes(self.raw, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func bytes(_ column: Int32) -> [UInt8] {
        guard let bytes = sqlite3_column_text(self.raw, column) else {
            return []
        }
        let count = Int(sqlite3_column_bytes(self.raw, column))
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ number: Int64?) {
        self = number.map { .integer($0) } ?? .null
    }
}
