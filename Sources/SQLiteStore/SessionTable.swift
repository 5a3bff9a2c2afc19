import SessionCore

/// The SQL texts of one pool's table, written once so that the hot paths only look them up.
///
/// The statements are kept prepared by ``SQLiteDatabase``, keyed by these texts.
struct SessionTable: Sendable {
    /// The columns read back for a session, in the order ``SQLiteStatement/session()`` expects.
    static let columns = "id, object_id, active, last_use, next_use, count_use, count_success, doc"

    let name: String
    let createStatements: String
    let insert: String
    let insertDocument: String
    let replace: String
    let selectByID: String
    let delete: String
    let deleteDocument: String
    let extendHold: String
    let setActive: String
    let promote: String
    private let sql: SessionSQL
    private let unfilteredLease: String
    private let unfilteredEarliestNextUse: String
    private let unfilteredCountReady: String

    init(collection: String) {
        let sql = SessionSQL(collection: collection)
        self.sql = sql
        self.name = collection
        self.createStatements = sql.createStatements
        self.insert = sql.insert
        self.insertDocument = sql.insertDocument
        self.replace = sql.replace
        self.selectByID = sql.selectByID
        self.delete = sql.delete
        self.deleteDocument = sql.deleteDocument
        self.extendHold = sql.extendHold
        self.setActive = sql.setActive
        self.promote = sql.promote
        self.unfilteredLease = sql.lease(filter: .none)
        self.unfilteredEarliestNextUse = sql.earliestNextUse(filter: .none)
        self.unfilteredCountReady = sql.countReady(filter: .none)
    }

    /// See ``SessionSQL/lease(filter:)``.
    func lease(filter: SQLFilter) -> String {
        filter.isEmpty ? self.unfilteredLease : self.sql.lease(filter: filter)
    }

    /// See ``SessionSQL/earliestNextUse(filter:)``.
    func earliestNextUse(filter: SQLFilter) -> String {
        filter.isEmpty ? self.unfilteredEarliestNextUse : self.sql.earliestNextUse(filter: filter)
    }

    /// See ``SessionSQL/countReady(filter:)``.
    func countReady(filter: SQLFilter) -> String {
        filter.isEmpty ? self.unfilteredCountReady : self.sql.countReady(filter: filter)
    }

    /// See ``SessionSQL/list(filter:includeInactive:)``.
    func list(filter: SQLFilter, includeInactive: Bool) -> String {
        self.sql.list(filter: filter, includeInactive: includeInactive)
    }

    /// See ``SessionSQL/statistics(filter:)``.
    func statistics(filter: SQLFilter) -> String {
        self.sql.statistics(filter: filter)
    }

    /// The parameters `?1` and `?2` of ``selectByID`` and ``delete`` for a path id.
    static func idParameters(_ id: String) -> [SQLiteValue] {
        [.text(id), .text(ObjectID(hex: id)?.hex ?? id)]
    }
}
