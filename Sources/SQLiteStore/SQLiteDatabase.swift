import CSQLite
import SessionCore

/// One SQLite connection and its prepared statements.
///
/// It MUST be used from one thread at a time: the store's worker thread owns it.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    /// Statements handed out since the last ``resetStatements()``; a stepped statement holds a read open.
    private var handedOut: [SQLiteStatement] = []

    /// The most statements kept prepared between operations; past this the cache starts again empty.
    private static let statementCacheLimit = 256

    /// Opens (and creates) the database at `path`; `:memory:` gives a private in-memory database.
    ///
    /// - Throws: ``StoreError`` when the file cannot be opened.
    init(path: String) throws(StoreError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &self.handle, flags, nil)
        guard result == SQLITE_OK else {
            let message = self.handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(self.handle)
            self.handle = nil
            throw StoreError(sqliteResult: result, message: "cannot open \(path): \(message)")
        }
        sqlite3_extended_result_codes(self.handle, 1)
        sqlite3_busy_timeout(self.handle, 5000)
    }

    deinit {
        assert(self.handle == nil, "SQLiteDatabase.close() must be called before release")
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(self.handle, sql, nil, nil, &errorMessage)
        guard result == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw StoreError(sqliteResult: result, message: message)
        }
    }

    /// A prepared statement for `sql`, reset and ready to bind; kept for the next call with the same text.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = self.statements[sql] {
            cached.reset()
            self.handedOut.append(cached)
            return cached
        }

        var raw: OpaquePointer?
        let result = sqlite3_prepare_v3(self.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard result == SQLITE_OK, let raw else {
            throw self.error(result)
        }
        let statement = SQLiteStatement(raw, database: self)
        self.statements[sql] = statement
        self.handedOut.append(statement)
        return statement
    }

    /// Resets every statement handed out since the last call, so that none keeps a read open
    /// across the end of a transaction.
    func resetStatements() {
        for statement in self.handedOut {
            statement.reset()
        }
        self.handedOut.removeAll(keepingCapacity: true)

        // Only here, with no statement in use, may the cache drop statements: filters make many shapes.
        if self.statements.count > Self.statementCacheLimit {
            self.statements.removeAll()
        }
    }

    /// Whether a transaction is open; false after SQLite rolled one back by itself.
    var isInTransaction: Bool {
        sqlite3_get_autocommit(self.handle) == 0
    }

    /// Runs one statement that returns no rows through the statement cache, and resets it at once.
    ///
    /// For the statements every group runs (`BEGIN`, `COMMIT`), which would otherwise be parsed again
    /// each time.
    func run(_ sql: String) throws(StoreError) {
        let statement = try self.statement(sql)
        self.handedOut.removeLast()
        defer { statement.reset() }
        while try statement.step() {}
    }

    /// Runs `body` so that its statements all take effect or none does.
    ///
    /// For operations that write with more than one statement; inside the group's transaction this
    /// is a savepoint.
    func atomically(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        try self.run("SAVEPOINT operation")
        do {
            try body()
            self.resetStatements()
            try self.run("RELEASE operation")
        } catch {
            self.resetStatements()
            try? self.run("ROLLBACK TO operation")
            try? self.run("RELEASE operation")
            throw error
        }
    }

    /// Tables whose held sessions were promoted in the current transaction; cleared by ``forgetPromotions()``.
    private var promoted: Set<String> = []

    /// Records that `table` is being promoted now; false when it already was in this transaction.
    func beginPromotion(of table: String) -> Bool {
        self.promoted.insert(table).inserted
    }

    /// Forgets the promotions made so far, at the start of a transaction or after a rollback.
    func forgetPromotions() {
        self.promoted.removeAll(keepingCapacity: true)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int {
        Int(sqlite3_changes(self.handle))
    }

    /// The error for a failed call on this connection, with SQLite's message.
    func error(_ result: Int32) -> StoreError {
        StoreError(sqliteResult: result, message: String(cString: sqlite3_errmsg(self.handle)))
    }

    /// Finalizes every statement and closes the connection.
    func close() {
        self.handedOut.removeAll()
        self.statements.removeAll()
        sqlite3_close_v2(self.handle)
        self.handle = nil
    }
}
