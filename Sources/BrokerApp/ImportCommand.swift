import BrokerAPI
import Dispatch
import MongoStore
import SessionCore

#if canImport(Glibc)
import Glibc
#endif

/// `session-broker import FILE`: loads NDJSON documents into a pool through the store.
///
/// Each line is read and checked as `POST /sessions` reads its body, then inserted with the
/// store's own insert, in batches with at most two unanswered, so that the embedded store commits
/// them in groups and MongoDB receives them on all its connections. Blank lines are skipped, documents
/// whose `_id` is taken are skipped as duplicates, and bad lines are rejected and listed on
/// standard error with their numbers. A store failure other than a duplicate or a refused
/// document stops the import, naming the last line up to which everything is done.
///
/// Exit status: 0 when every document was inserted or skipped as a duplicate, 2 when some lines
/// were rejected, 1 when the store or the input failed, 64 for a bad command line or configuration.
struct ImportCommand: Sendable {
    /// The exit status when lines were rejected but the rest was loaded.
    static let rejectedStatus: Int32 = 2
    /// The rejected lines listed one by one; the rest are only counted.
    static let listedRejections = 100

    let source: String
    let pool: PoolConfiguration
    let configuration: Configuration
    let output = StatusOutput()
    let ledger = ImportLedger()

    /// Imports `file` (`-` for standard input) into the pool `flags["pool"]` names and returns the exit status.
    ///
    /// It BLOCKS until the import has ended.
    static func run(file: String, flags: [String: String], configuration: Configuration) -> Int32 {
        let pool: PoolConfiguration
        let descriptor: Int32
        do {
            pool = try configuration.pool(named: flags["pool"])
            descriptor = try self.openInput(file)
        } catch {
            BrokerMain.fail("\(error)")
            return BrokerMain.usageError
        }
        defer {
            if descriptor != STDIN_FILENO {
                close(descriptor)
            }
        }

        let store: any SessionStore
        do {
            store = try BrokerService.openStore(configuration)
        } catch let error as ConfigurationError {
            BrokerMain.fail("configuration error: \(error)")
            return BrokerMain.usageError
        } catch {
            BrokerMain.fail("cannot open the store: \(error)")
            return BrokerMain.failureStatus
        }

        let command = ImportCommand(
            source: file == "-" ? "standard input" : file,
            pool: pool,
            configuration: configuration
        )
        let status = command.load(from: descriptor, into: store)
        store.close()
        MongoDriver.cleanUp()
        return status
    }

    /// Opens `file` for reading; `-` is standard input.
    ///
    /// - Throws: ``ConfigurationError`` when the file cannot be opened or is a directory.
    private static func openInput(_ file: String) throws(ConfigurationError) -> Int32 {
        guard file != "-" else {
            return STDIN_FILENO
        }
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigurationError(key: file, "cannot open: \(String(cString: strerror(errno)))")
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw ConfigurationError(key: file, "is a directory, not an NDJSON file")
        }
        return descriptor
    }

    /// How many documents are read before they are handed to the store together: on the embedded
    /// store enough for few group commits; on MongoDB half the connections, so that the two batches
    /// under way never wait in the store's queue, where a long wait counts as an outage.
    static func batchSize(for configuration: Configuration) -> Int {
        configuration.mongoURL == nil ? 256 : max(1, configuration.mongoConnections / 2)
    }

    /// Reads every line, inserts the documents and reports; returns the exit status.
    ///
    /// While the store inserts one batch the next one is read, so at most two are under way.
    private func load(from descriptor: Int32, into store: any SessionStore) -> Int32 {
        var reader = NDJSONReader(descriptor: descriptor, maximumLength: self.configuration.http.maxBodyBytes)
        let batchSize = Self.batchSize(for: self.configuration)
        let inserts = InsertWindow(store: store, pool: self.pool, batches: 2)
        var batch: [(line: Int, session: Session)] = []
        var readError: SystemError?
        var lastLine = 0

        while !self.ledger.hasFailed {
            // Documents read so far go to the store before a read that may wait for a slow writer.
            if !reader.hasBufferedLine {
                self.insert(&batch, through: inserts)
            }

            let line: NDJSONReader.Line
            do throws(SystemError) {
                guard let next = try reader.next() else {
                    break
                }
                line = next
            } catch {
                readError = error
                break
            }
            lastLine = line.number

            switch self.interpret(line) {
            case .blank:
                self.ledger.settle(line.number, as: .blank)
            case .rejected(let reason):
                self.reject(line.number, reason)
            case .session(let session):
                // The first line with a given `_id` wins: a later one waits until that insert is answered.
                if !self.ledger.begin(id: session.id.text) {
                    self.insert(&batch, through: inserts)
                    inserts.wait()
                    _ = self.ledger.begin(id: session.id.text)
                }
                batch.append((line.number, session))
            }
            if batch.count == batchSize {
                self.insert(&batch, through: inserts)
            }
            self.output.progress(line.number, "lines", detail: "\(self.ledger.counts.inserted) inserted")
        }
        if !self.ledger.hasFailed {
            self.insert(&batch, through: inserts)
        }

        inserts.wait()
        self.output.clearProgress()
        return self.report(store: store, lastLine: lastLine, readError: readError)
    }

    /// Hands every document of `batch` to the store, in order, and empties it.
    private func insert(_ batch: inout [(line: Int, session: Session)], through inserts: InsertWindow) {
        let lines = batch.map(\.line)
        let ids = batch.map(\.session.id.text)
        inserts.insert(batch.map(\.session)) { position, result in
            self.record(result, line: lines[position], id: ids[position])
        }
        batch.removeAll(keepingCapacity: true)
    }

    /// Files the store's answer to the insert of `line`.
    private func record(_ result: Result<Session, StoreError>, line: Int, id: String) {
        switch result {
        case .success:
            self.ledger.settle(line, as: .inserted, id: id)
        case .failure(let error) where error.code == .duplicateID:
            self.ledger.settle(line, as: .duplicate, id: id)
        case .failure(let error) where error.code == .invalidInput:
            self.reject(line, "invalid_request: \(error.clientMessage ?? error.message)", id: id)
        case .failure(let error):
            self.ledger.fail(line, with: error, id: id)
        }
    }

    private func reject(_ line: Int, _ reason: String, id: String? = nil) {
        let rejected = self.ledger.settle(line, as: .rejected, id: id)
        if rejected <= Self.listedRejections {
            self.output.line("line \(line): \(reason)")
        }
    }
}
