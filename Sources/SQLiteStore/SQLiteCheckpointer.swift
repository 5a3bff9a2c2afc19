import CSQLite
import Foundation
import Logging
import SessionCore

/// Copies committed pages from the WAL into the database file on a thread of its own.
///
/// A checkpoint writes pages and syncs the file; done by the writer after a commit, as SQLite does
/// by default, it holds up every operation queued behind it. This thread checkpoints in PASSIVE
/// mode, which never blocks the writer, every ``interval``; the writer keeps SQLite's automatic
/// checkpoint only as a bound on the WAL's size, and then finds little left to copy.
final class SQLiteCheckpointer: @unchecked Sendable {
    // `condition` guards `running`; `handle` is touched only by the checkpoint thread after `init`.
    private let condition = NSCondition()
    private var running = true
    private var finished = false
    private var handle: OpaquePointer?
    private let logger: Logger

    /// How often the thread checkpoints.
    static let interval: TimeInterval = 0.1

    /// Opens a second connection to the database at `path` and starts the thread.
    ///
    /// - Throws: ``StoreError`` when the connection cannot be opened.
    init(path: String, logger: Logger) throws(StoreError) {
        self.logger = logger
        let result = sqlite3_open_v2(path, &self.handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK else {
            let message = self.handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(self.handle)
            throw StoreError(sqliteResult: result, message: "cannot open \(path) for checkpoints: \(message)")
        }

        let thread = Thread { [self] in
            self.run()
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    private func run() {
        self.condition.lock()
        while self.running {
            _ = self.condition.wait(until: Date(timeIntervalSinceNow: Self.interval))
            guard self.running else {
                break
            }
            self.condition.unlock()
            let result = sqlite3_wal_checkpoint_v2(self.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            if result != SQLITE_OK && result != SQLITE_BUSY {
                self.logger.warning("checkpoint failed", ["error": "\(StoreError(sqliteResult: result, message: ""))"])
            }
            self.condition.lock()
        }
        sqlite3_close_v2(self.handle)
        self.handle = nil
        self.finished = true
        self.condition.broadcast()
        self.condition.unlock()
    }

    /// Stops the thread and closes its connection. It BLOCKS until the thread has ended.
    func close() {
        self.condition.lock()
        self.running = false
        self.condition.broadcast()
        while !self.finished {
            self.condition.wait()
        }
        self.condition.unlock()
    }
}
