import SessionCore

/// Writes the SQL for one pool's tables; ``SessionTable`` keeps the texts it uses on every call.
///
/// A pool is two tables. The first holds the managed fields as columns, one narrow row per
/// session, so that a lease rewrites few pages; the second, `{name}_documents`, holds everything
/// else as one JSON object per session under the same rowid, and a lease only reads it. `ready` is
/// 1 while a session's `next_use` is missing or reached as of the last promotion, and two partial
/// indexes over active rows make the lease cost independent of how many sessions are held:
/// `(ready, last_use)` finds the session used longest ago among the ready ones, and
/// `(ready, next_use)` promotes held sessions whose time has come.
struct SessionSQL {
    let name: String
    private let quoted: String
    private let documents: String

    init(collection: String) {
        self.name = collection
        self.quoted = "\"\(collection)\""
        self.documents = "\"\(collection)_documents\""
    }

    /// The state columns of ``SessionTable/columns``, and the document read through the rowid, for `RETURNING`.
    private var returning: String {
        "id, object_id, active, last_use, next_use, count_use, count_success, "
            + "(SELECT doc FROM \(self.documents) WHERE \(self.documents).rowid = \(self.quoted).rowid)"
    }

    /// Both tables joined on the rowid, for reads that need the document.
    private var joined: String {
        "\(self.quoted) JOIN \(self.documents) ON \(self.documents).rowid = \(self.quoted).rowid"
    }

    /// The state table alone when `filter` reads only managed fields, else both joined.
    private func source(for filter: SQLFilter) -> String {
        filter.isEmpty ? self.quoted : self.joined
    }

    var createStatements: String {
        """
        CREATE TABLE IF NOT EXISTS \(self.quoted) (
            id TEXT PRIMARY KEY NOT NULL,
            object_id INTEGER NOT NULL,
            active INTEGER,
            last_use INTEGER,
            next_use INTEGER,
            count_use INTEGER,
            count_success INTEGER,
            ready INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS \(self.documents) (
            rowid INTEGER PRIMARY KEY,
            doc TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS "\(self.name)_ready_last_use" ON \(self.quoted) (ready, last_use)
            WHERE active IS NOT 0;
        CREATE INDEX IF NOT EXISTS "\(self.name)_ready_next_use" ON \(self.quoted) (ready, next_use)
            WHERE active IS NOT 0;
        """
    }

    /// Inserts the state row and returns its rowid; ``insertDocument`` then stores the document.
    var insert: String {
        """
        INSERT INTO \(self.quoted) (id, object_id, active, last_use, next_use, count_use, count_success, ready)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        RETURNING rowid
        """
    }

    /// Stores document `?2` under rowid `?1`, replacing any earlier one.
    var insertDocument: String {
        "INSERT OR REPLACE INTO \(self.documents) (rowid, doc) VALUES (?1, ?2)"
    }

    /// Rewrites every managed field of the row whose id is exactly `?1` and returns its rowid.
    var replace: String {
        """
        UPDATE \(self.quoted) SET active = ?2, last_use = ?3, next_use = ?4, count_use = ?5, count_success = ?6,
            ready = ?7
        WHERE id = ?1
        RETURNING rowid
        """
    }

    /// The session whose id is `?1`, or else the ObjectId whose lowercase hex is `?2`.
    var selectByID: String {
        """
        SELECT \(SessionTable.columns) FROM \(self.joined)
        WHERE \(Self.idMatch) ORDER BY id = ?1 DESC LIMIT 1
        """
    }

    /// Deletes the state row ``selectByID`` finds and returns its rowid; ``deleteDocument`` follows.
    var delete: String {
        """
        DELETE FROM \(self.quoted) WHERE rowid = (
            SELECT rowid FROM \(self.quoted) WHERE \(Self.idMatch) ORDER BY id = ?1 DESC LIMIT 1
        )
        RETURNING rowid
        """
    }

    /// Deletes the document under rowid `?1`.
    var deleteDocument: String {
        "DELETE FROM \(self.documents) WHERE rowid = ?1"
    }

    /// A path id finds a string `_id` of the same text, or an ObjectId written in either case.
    static let idMatch = "(id = ?1 OR (id = ?2 AND object_id = 1))"

    /// The one row a path id names (see ``selectByID``), for statements that change it in place.
    private var rowByID: String {
        "rowid = (SELECT rowid FROM \(self.quoted) WHERE \(Self.idMatch) ORDER BY id = ?1 DESC LIMIT 1)"
    }

    /// Adds `?3` to the success counter (saturating) and, when `?4` is not null, holds the session
    /// until `?4` unless it is held longer already; `?5` is now. Returns the row, as one statement.
    var extendHold: String {
        let nextUse = "CASE WHEN ?4 IS NULL THEN next_use ELSE max(coalesce(next_use, ?4), ?4) END"
        return """
            UPDATE \(self.quoted) SET
                count_success = CASE WHEN ?3 = 0 THEN count_success
                    ELSE min(coalesce(count_success, 0), 9223372036854775807 - ?3) + ?3 END,
                next_use = \(nextUse),
                ready = CASE WHEN ?4 IS NULL THEN ready WHEN \(nextUse) <= ?5 THEN 1 ELSE 0 END
            WHERE \(self.rowByID)
            RETURNING \(self.returning)
            """
    }

    /// Sets `active` to `?3` and returns the row, as one statement; `?4` is now. `ready` is set
    /// afresh, since promotion passes over inactive rows.
    var setActive: String {
        """
        UPDATE \(self.quoted) SET active = ?3, ready = (next_use IS NULL OR next_use <= ?4)
        WHERE \(self.rowByID)
        RETURNING \(self.returning)
        """
    }

    /// Marks held sessions whose `next_use` has come (`?1` = now) as ready.
    var promote: String {
        "UPDATE \(self.quoted) SET ready = 1 WHERE ready = 0 AND active IS NOT 0 AND next_use <= ?1"
    }

    /// Stamps the ready session used longest ago that meets `filter`, in one statement.
    ///
    /// Parameters: `?1` now, `?2` next_use, `?3` ready after the lease, `?4` count_use increment,
    /// then the filter's parameters.
    func lease(filter: SQLFilter) -> String {
        """
        UPDATE \(self.quoted) SET last_use = ?1, next_use = ?2, ready = ?3,
            count_use = min(coalesce(count_use, 0), 9223372036854775807 - ?4) + ?4
        WHERE rowid = (
            SELECT \(self.quoted).rowid FROM \(self.source(for: filter))
            WHERE ready = 1 AND active IS NOT 0\(filter.clause(firstParameter: 5))
            ORDER BY last_use LIMIT 1
        )
        RETURNING \(self.returning)
        """
    }

    /// The earliest `next_use` among held active sessions that meet `filter`.
    func earliestNextUse(filter: SQLFilter) -> String {
        """
        SELECT next_use FROM \(self.source(for: filter))
        WHERE ready = 0 AND active IS NOT 0\(filter.clause(firstParameter: 1))
        ORDER BY next_use LIMIT 1
        """
    }

    func countReady(filter: SQLFilter) -> String {
        """
        SELECT count(*) FROM \(self.source(for: filter))
        WHERE ready = 1 AND active IS NOT 0\(filter.clause(firstParameter: 1))
        """
    }

    /// A page of sessions after `?1` (or from the start when null), at most `?2` rows; active ones
    /// only unless `includeInactive`.
    func list(filter: SQLFilter, includeInactive: Bool) -> String {
        let active = includeInactive ? "" : " AND active IS NOT 0"
        return """
            SELECT \(SessionTable.columns) FROM \(self.joined)
            WHERE (?1 IS NULL OR id > ?1)\(active)\(filter.clause(firstParameter: 3))
            ORDER BY id LIMIT ?2
            """
    }

    /// Totals for monitoring; `?1` = now. Counter sums use `total()`, which cannot overflow.
    func statistics(filter: SQLFilter) -> String {
        """
        SELECT count(*), coalesce(sum(active IS 0), 0),
            coalesce(sum(active IS NOT 0 AND (next_use IS NULL OR next_use <= ?1)), 0),
            total(count_use), total(count_success)
        FROM \(self.source(for: filter)) WHERE 1\(filter.clause(firstParameter: 2))
        """
    }
}
