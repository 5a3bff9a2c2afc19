import Logging
import SessionCore

/// The embedded store: every pool is a table in one SQLite database.
///
/// One worker thread owns the connection and commits operations in groups (see ``SQLiteWorker``),
/// so the lease is atomic without locks and an answered write is already in the database file.
/// The database runs in WAL mode; with `synchronous = NORMAL` a committed write survives a crash
/// of the process, and with `FULL` a crash of the machine too.
public final class SQLiteSessionStore: SessionStore {
    /// How committed writes are flushed to disk.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// Written to the WAL at commit: survives `kill -9`, may lose the last commits on power loss.
        case normal
        /// Also fsynced at commit: survives power loss, at the cost of one fsync per group.
        case full
    }

    public let description: String
    private let worker: SQLiteWorker
    /// Nil for an in-memory database, which has no WAL.
    private let checkpointer: SQLiteCheckpointer?
    private let tables = TableRegistry()

    /// Opens the database at `path` (created if missing; `:memory:` for a private in-memory one).
    ///
    /// - Throws: ``StoreError`` when the file cannot be opened or set up.
    public init(
        path: String,
        synchronous: Synchronous = .normal,
        clock: any SessionCore.Clock = SystemClock(),
        logger: Logger = Logger(label: "store.sqlite")
    ) throws(StoreError) {
        let database = try SQLiteDatabase(path: path)
        do {
            if path != ":memory:" {
                try database.execute("PRAGMA journal_mode = WAL")
            }
            try database.execute("PRAGMA synchronous = \(synchronous.rawValue.uppercased())")

            // ``SQLiteCheckpointer`` checkpoints in the background; the writer's own automatic
            // checkpoint (SQLite's default of 1,000 pages) stays as a bound on the WAL, and finds
            // little left to copy when it runs.
        } catch {
            database.close()
            throw error
        }
        do {
            self.checkpointer = path == ":memory:" ? nil : try SQLiteCheckpointer(path: path, logger: logger)
        } catch {
            database.close()
            throw error
        }
        self.description = "sqlite:\(path)"
        self.worker = SQLiteWorker(database: database, clock: clock, logger: logger)
        self.worker.start()
    }

    /// The layout of the tables this code writes, kept in the database's `user_version`.
    static let layoutVersion: Int64 = 1

    public func prepare(pools: [PoolConfiguration]) throws(StoreError) {
        try self.worker.runAndWait { database, _ throws(StoreError) in
            try Self.checkLayout(of: database)
        }
        for pool in pools {
            let table = SessionTable(collection: pool.collection)
            try self.worker.runAndWait { database, _ throws(StoreError) in
                try database.execute(table.createStatements)
            }
            self.tables.register(table, for: pool.collection)
        }
    }

    /// Stamps a new database with the layout version, and refuses one written in another layout.
    private static func checkLayout(of database: SQLiteDatabase) throws(StoreError) {
        let version = try database.statement("PRAGMA user_version").singleInteger([])
        let tables = try database.statement("SELECT count(*) FROM sqlite_master WHERE type = 'table'").singleInteger([])
        switch (version, tables) {
        case (Self.layoutVersion, _):
            return
        case (0, 0):
            try database.run("PRAGMA user_version = \(Self.layoutVersion)")
        default:
            throw StoreError(
                .misconfigured,
                "the database has layout \(version), not \(Self.layoutVersion); use a new file or export and import"
            )
        }
    }

    public func insert(
        _ session: Session,
        into pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        let table = self.tables.table(for: pool)
        self.worker.submit(
            { database, now throws(StoreError) in
                let values =
                    [SQLiteValue.text(session.id.text), .integer(session.isObjectID ? 1 : 0)]
                    + session.columnValues(at: now)
                try database.atomically { () throws(StoreError) in
                    let rowid = try database.statement(table.insert).singleInteger(values)
                    try database.statement(table.insertDocument).run([.integer(rowid), session.documentText])
                }
                return session
            },
            completion: completion
        )
    }

    public func find(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Session>) {
        let table = self.tables.table(for: pool)
        self.worker.submit(
            { database, _ throws(StoreError) in
                try Self.load(id: id, from: table, in: database)
            },
            completion: completion
        )
    }

    public func list(
        in pool: PoolConfiguration,
        after: String?,
        limit: Int,
        includeInactive: Bool,
        completion: @escaping StoreCompletion<SessionPage>
    ) {
        let table = self.tables.table(for: pool)
        let filter = SQLFilter(pool.filter, names: pool.fields)
        self.worker.submit(
            { database, _ throws(StoreError) in
                let sql = table.list(filter: filter, includeInactive: includeInactive)
                let statement = try database.statement(sql)
                try statement.bind([after.map { .text($0) } ?? .null, .integer(Int64(limit) + 1)] + filter.parameters)
                var sessions: [Session] = []
                while try statement.step() {
                    sessions.append(try statement.session())
                }

                // One row more than asked tells whether another page follows.
                guard sessions.count > limit else {
                    return SessionPage(sessions: sessions, next: nil)
                }
                sessions.removeLast()
                return SessionPage(sessions: sessions, next: sessions.last?.id.text)
            },
            completion: completion
        )
    }

    public func update(
        id: String,
        with update: SessionUpdate,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.modify(id: id, in: pool, completion: completion) { session, _ throws(StoreError) in
            do throws(InputError) {
                try update.apply(to: &session, names: pool.fields)
            } catch {
                throw StoreError(.invalidInput, error.message)
            }
        }
    }

    public func delete(id: String, in pool: PoolConfiguration, completion: @escaping StoreCompletion<Void>) {
        let table = self.tables.table(for: pool)
        self.worker.submit(
            { database, _ throws(StoreError) in
                try database.atomically { () throws(StoreError) in
                    let delete = try database.statement(table.delete)
                    try delete.bind(SessionTable.idParameters(id))
                    guard try delete.step() else {
                        throw StoreError(.notFound, "no session \(id)")
                    }
                    let rowid = delete.int64(0)
                    try database.statement(table.deleteDocument).run([.integer(rowid)])
                }
            },
            completion: completion
        )
    }

    public func lease(
        _ request: LeaseRequest,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<LeaseOutcome>
    ) {
        let table = self.tables.table(for: pool)
        let filter = SQLFilter(pool.filter.combined(with: request.filter), names: pool.fields)
        let delay = request.nextUseDelay ?? pool.nextUseDelay
        self.worker.submit(
            { database, now throws(StoreError) in
                try Self.promote(table, at: now, in: database)

                let next = now.adding(milliseconds: delay.milliseconds)
                let lease = try database.statement(table.lease(filter: filter))
                let values: [SQLiteValue] = [
                    .integer(now.milliseconds), .integer(next.milliseconds), .integer(next <= now ? 1 : 0),
                    .integer(request.countUse),
                ]
                try lease.bind(values + filter.parameters)
                if try lease.step() {
                    let session = try lease.session()
                    while try lease.step() {}
                    return .leased(session)
                }

                // Nothing is ready: say how soon a held session will be, if one will by itself.
                let earliest = try database.statement(table.earliestNextUse(filter: filter))
                try earliest.bind(filter.parameters)
                guard try earliest.step(), let nextUse = earliest.optionalInt64(0) else {
                    return .unavailable(retryAfter: nil)
                }
                return .unavailable(retryAfter: Period(milliseconds: max(0, nextUse - now.milliseconds)))
            },
            completion: completion
        )
    }

    public func recordSuccess(
        id: String,
        count: Int64,
        nextUseDelay: Period?,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.changeInPlace(id: id, in: pool, completion: completion) { table, now in
            let until = nextUseDelay.map { SQLiteValue.integer(now.adding(milliseconds: $0.milliseconds).milliseconds) }
            return (table.extendHold, [.integer(count), until ?? .null, .integer(now.milliseconds)])
        }
    }

    public func hold(
        id: String,
        for period: Period,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.changeInPlace(id: id, in: pool, completion: completion) { table, now in
            let until = now.adding(milliseconds: period.milliseconds).milliseconds
            return (table.extendHold, [.integer(0), .integer(until), .integer(now.milliseconds)])
        }
    }

    public func setActive(
        _ active: Bool,
        id: String,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>
    ) {
        self.changeInPlace(id: id, in: pool, completion: completion) { table, now in
            (table.setActive, [.integer(active ? 1 : 0), .integer(now.milliseconds)])
        }
    }

    public func countAvailable(in pool: PoolConfiguration, completion: @escaping StoreCompletion<Int64>) {
        let table = self.tables.table(for: pool)
        let filter = SQLFilter(pool.filter, names: pool.fields)
        self.worker.submit(
            { database, now throws(StoreError) in
                try Self.promote(table, at: now, in: database)
                let count = try database.statement(table.countReady(filter: filter))
                try count.bind(filter.parameters)
                _ = try count.step()
                return count.int64(0)
            },
            completion: completion
        )
    }

    public func statistics(in pool: PoolConfiguration, completion: @escaping StoreCompletion<PoolStatistics>) {
        let table = self.tables.table(for: pool)
        let filter = SQLFilter(pool.filter, names: pool.fields)
        self.worker.submit(
            { database, now throws(StoreError) in
                let query = try database.statement(table.statistics(filter: filter))
                try query.bind([.integer(now.milliseconds)] + filter.parameters)
                _ = try query.step()
                var statistics = PoolStatistics()
                statistics.total = query.int64(0)
                statistics.inactive = query.int64(1)
                statistics.available = query.int64(2)
                statistics.cooling = statistics.total - statistics.inactive - statistics.available
                statistics.countUse = query.clampedInt64(3)
                statistics.countSuccess = query.clampedInt64(4)
                return statistics
            },
            completion: completion
        )
    }

    public func checkHealth(completion: @escaping StoreCompletion<Void>) {
        self.worker.submit(
            { database, _ throws(StoreError) in
                try database.statement("SELECT 1").run()
            },
            completion: completion
        )
    }

    public func close() {
        self.worker.close()
        self.checkpointer?.close()
    }

    /// Marks the held sessions of `table` whose time has come as ready, once per transaction: every
    /// operation of a transaction shares its time, so a second promotion would find nothing.
    private static func promote(
        _ table: SessionTable,
        at now: Timestamp,
        in database: SQLiteDatabase
    )
        throws(StoreError)
    {
        guard database.beginPromotion(of: table.name) else {
            return
        }
        try database.statement(table.promote).run([.integer(now.milliseconds)])
    }

    /// Runs one `UPDATE … RETURNING` that `statement` builds for the row `id` names, and returns
    /// the changed session. The statement takes the id as `?1` and `?2`, its own values from `?3`.
    private func changeInPlace(
        id: String,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>,
        statement: @escaping @Sendable (SessionTable, Timestamp) -> (sql: String, values: [SQLiteValue])
    ) {
        let table = self.tables.table(for: pool)
        self.worker.submit(
            { database, now throws(StoreError) in
                let (sql, values) = statement(table, now)
                let update = try database.statement(sql)
                try update.bind(SessionTable.idParameters(id) + values)
                guard try update.step() else {
                    throw StoreError(.notFound, "no session \(id)")
                }
                return try update.session()
            },
            completion: completion
        )
    }

    /// Reads a session, lets `change` alter it, and writes it back, all in one operation.
    private func modify(
        id: String,
        in pool: PoolConfiguration,
        completion: @escaping StoreCompletion<Session>,
        change: @escaping @Sendable (inout Session, Timestamp) throws(StoreError) -> Void
    ) {
        let table = self.tables.table(for: pool)
        self.worker.submit(
            { database, now throws(StoreError) in
                var session = try Self.load(id: id, from: table, in: database)
                try change(&session, now)
                try database.atomically { () throws(StoreError) in
                    let values = [SQLiteValue.text(session.id.text)] + session.columnValues(at: now)
                    let rowid = try database.statement(table.replace).singleInteger(values)
                    try database.statement(table.insertDocument).run([.integer(rowid), session.documentText])
                }
                return session
            },
            completion: completion
        )
    }

    private static func load(
        id: String,
        from table: SessionTable,
        in database: SQLiteDatabase
    ) throws(StoreError)
        -> Session
    {
        let statement = try database.statement(table.selectByID)
        try statement.bind(SessionTable.idParameters(id))
        guard try statement.step() else {
            throw StoreError(.notFound, "no session \(id)")
        }
        let session = try statement.session()
        while try statement.step() {}
        return session
    }
}

extension SQLiteSessionStore {
    /// The query plan SQLite chooses for `sql`, one line per step, for checking that indexes serve it.
    func explain(_ sql: String) throws(StoreError) -> [String] {
        try self.worker.runAndWait { database, _ throws(StoreError) in
            let statement = try database.statement("EXPLAIN QUERY PLAN " + sql)
            var lines: [String] = []
            while try statement.step() {
                lines.append(statement.text(3))
            }
            return lines
        }
    }

    /// Runs `sql` outside any pool, for tests that need a database in a given state.
    func executeForTesting(_ sql: String) throws(StoreError) {
        try self.worker.runAndWait { database, _ throws(StoreError) in
            try database.execute(sql)
        }
    }

    /// The first column of the first row of `sql`, for tests that look at what is stored.
    func integerForTesting(_ sql: String) throws(StoreError) -> Int64 {
        try self.worker.runAndWait { database, _ throws(StoreError) in
            try database.statement(sql).singleInteger([])
        }
    }
}
