import Dispatch
import Foundation
import MongoStore
import SessionCore
import Synchronization

/// `session-broker export`: writes every document of a pool as NDJSON, in `_id` order.
///
/// Every document the pool's filter admits is written, switched-off ones too, whole (the pool's
/// projection is for workers, not for copies) and in the form the API answers with, a page at a
/// time, so that `import` loads the output into another store as it was. Pages are read one after
/// another, not as one snapshot: a document changed while the export runs is written as its page
/// found it.
///
/// Exit status: 0 when every document was written, 1 when the store or the output failed (see
/// ``ExportDestination`` for what becomes of the file), 64 for a bad command line or configuration.
struct ExportCommand {
    /// The documents read from the store at a time.
    static let pageSize = 1000

    let pool: PoolConfiguration
    let store: any SessionStore
    let output = StatusOutput()

    /// Exports the pool `flags["pool"]` names to `flags["output"]` (standard output when absent or
    /// `-`) and returns the exit status. It BLOCKS until the export has ended.
    static func run(flags: [String: String], configuration: Configuration) -> Int32 {
        let pool: PoolConfiguration
        let destination: ExportDestination
        do {
            pool = try configuration.pool(named: flags["pool"])
            try self.checkDatabaseExists(configuration)
            destination = try ExportDestination(path: flags["output"])
        } catch {
            BrokerMain.fail("\(error)")
            return BrokerMain.usageError
        }

        let store: any SessionStore
        do {
            store = try BrokerService.openStore(configuration)
        } catch {
            destination.discard()
            let isConfiguration = error is ConfigurationError
            BrokerMain.fail(isConfiguration ? "configuration error: \(error)" : "cannot open the store: \(error)")
            return isConfiguration ? BrokerMain.usageError : BrokerMain.failureStatus
        }

        let command = ExportCommand(pool: pool, store: store)
        let written = command.export(to: destination)
        store.close()
        MongoDriver.cleanUp()
        guard let written else {
            destination.discard()
            return BrokerMain.failureStatus
        }

        do {
            try destination.commit()
        } catch {
            BrokerMain.fail("cannot write \(destination.name): \(error)")
            return BrokerMain.failureStatus
        }
        command.output.line(
            "session-broker: exported \(written) documents of pool \(pool.name) (\(store.description)) "
                + "to \(destination.name) in \(command.output.elapsedText) s"
        )
        return 0
    }

    /// An export never creates the embedded store's database: a mistyped path is an error, not an empty pool.
    private static func checkDatabaseExists(_ configuration: Configuration) throws(ConfigurationError) {
        let path = configuration.sqlitePath
        guard configuration.mongoURL != nil || path == ":memory:" || FileManager.default.fileExists(atPath: path)
        else {
            throw ConfigurationError(key: "sqlite.path", "there is no database at \(path)")
        }
    }

    /// Writes every page to `destination`; returns how many documents it wrote, or nil after a
    /// failure, which it reports.
    private func export(to destination: ExportDestination) -> Int? {
        let writer = FileDescriptorWriter(descriptor: destination.descriptor)
        var written = 0
        var after: String?
        repeat {
            let page: SessionPage
            switch self.nextPage(after: after) {
            case .success(let next):
                page = next
            case .failure(let error):
                self.output.clearProgress()
                self.output.line("session-broker: export stopped after \(written) documents: \(error)")
                return nil
            }

            var bytes: [UInt8] = []
            bytes.reserveCapacity(page.sessions.count * 512)
            for session in page.sessions {
                session.json(names: self.pool.fields).write(into: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            do {
                try writer.write(bytes)
            } catch {
                self.output.clearProgress()
                self.output.line(
                    "session-broker: cannot write \(destination.name) after \(written) documents: \(error)"
                )
                return nil
            }
            written += page.sessions.count
            after = page.next
            self.output.progress(written, "documents")
        } while after != nil

        self.output.clearProgress()
        return written
    }

    /// Reads the page after `after`, switched-off sessions included. It BLOCKS until the store answers.
    private func nextPage(after: String?) -> Result<SessionPage, StoreError> {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<SessionPage, StoreError>?>(nil)
        self.store.list(in: self.pool, after: after, limit: Self.pageSize, includeInactive: true) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return outcome.withLock { $0! }
    }
}
