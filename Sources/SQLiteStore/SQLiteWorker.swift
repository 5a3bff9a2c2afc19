import Foundation
import Logging
import SessionCore

/// The one thread that owns the SQLite connection and runs every store operation.
///
/// Operations queue up while a transaction commits; the next pass takes all of them (up to
/// ``maximumBatch``) into one transaction and answers them only after that transaction has
/// committed. Every operation is atomic on its own (one statement, or a savepoint where it needs
/// more), so a failing operation leaves the others of its group untouched. This is group commit: under load one WAL write
/// acknowledges many operations, and no operation is answered before it is durable.
final class SQLiteWorker: @unchecked Sendable {
    // `condition` guards `queue` and `state`; `database` is touched only by the worker thread.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var state = State.running
    private let database: SQLiteDatabase
    private let clock: any SessionCore.Clock
    private let logger: Logger
    private var thread: Thread?

    /// The most operations committed together.
    static let maximumBatch = 512

    private enum State {
        case running
        case closing
        case closed
    }

    /// Work queued for the worker thread. `execute` runs inside the batch's transaction and returns
    /// what to do once the transaction has committed (nil error) or failed (the error).
    private struct Job: @unchecked Sendable {
        // Created on any thread, then run and released only on the worker thread.
        /// Answers with `error` without running the operation.
        let fail: (StoreError) -> Void
        let execute: (SQLiteDatabase, Timestamp) -> (StoreError?) -> Void
    }

    init(database: SQLiteDatabase, clock: any SessionCore.Clock, logger: Logger) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    /// Starts the worker thread.
    func start() {
        let thread = Thread { [self] in
            self.runLoop()
        }
        thread.name = "sqlite-store"
        thread.start()
        self.thread = thread
    }

    /// Queues `body` to run on the worker thread inside a transaction, and `completion` after commit.
    ///
    /// - Parameter body: receives the connection and the time of the batch; it MUST NOT block on other threads.
    func submit<Value: Sendable>(
        _ body: @escaping @Sendable (SQLiteDatabase, Timestamp) throws(StoreError) -> Value,
        completion: @escaping StoreCompletion<Value>
    ) {
        let job = Job(fail: { completion(.failure($0)) }) { database, now in
            do throws(StoreError) {
                let value = try body(database, now)
                database.resetStatements()
                return { commitError in completion(commitError.map { .failure($0) } ?? .success(value)) }
            } catch {
                database.resetStatements()
                database.forgetPromotions()
                return { _ in completion(.failure(error)) }
            }
        }

        self.condition.lock()
        guard case .running = self.state else {
            self.condition.unlock()
            completion(.failure(StoreError(.unavailable, "the store is closing")))
            return
        }
        self.queue.append(job)
        self.condition.signal()
        self.condition.unlock()
    }

    /// Runs `body` on the worker thread and waits for it. For start-up work; it BLOCKS the caller.
    func runAndWait<Value: Sendable>(
        _ body: @escaping @Sendable (SQLiteDatabase, Timestamp) throws(StoreError) -> Value
    ) throws(StoreError) -> Value {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<Value>()
        self.submit(body) { outcome in
            result.value = outcome
            done.signal()
        }
        done.wait()
        return try result.value!.get()
    }

    /// Answers every queued operation, closes the connection and ends the thread. It BLOCKS until then.
    func close() {
        self.condition.lock()
        if case .running = self.state {
            self.state = .closing
            self.condition.signal()
        }
        while true {
            if case .closed = self.state {
                break
            }
            self.condition.wait()
        }
        self.condition.unlock()
    }

    private func runLoop() {
        while let batch = self.nextBatch() {
            self.run(batch)
        }
        self.database.close()

        self.condition.lock()
        self.state = .closed
        self.condition.broadcast()
        self.condition.unlock()
    }

    /// Waits for work and takes up to ``maximumBatch`` jobs; nil once closing and drained.
    private func nextBatch() -> ArraySlice<Job>? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.queue.isEmpty {
            if case .closing = self.state {
                return nil
            }
            self.condition.wait()
        }
        let count = min(self.queue.count, Self.maximumBatch)
        let batch = self.queue[..<count]
        self.queue.removeFirst(count)
        return batch
    }

    private func run(_ batch: ArraySlice<Job>) {
        let now = self.clock.now()
        do throws(StoreError) {
            self.database.forgetPromotions()
            try self.database.run("BEGIN IMMEDIATE")
        } catch {
            self.logger.error("cannot begin a transaction", ["error": "\(error)"])
            batch.forEach { $0.fail(error) }
            return
        }

        // SQLite ends the whole transaction by itself after some errors (disk full, I/O error); the
        // operations after that are not run, since they would commit one by one outside the group.
        var deliveries: [(StoreError?) -> Void] = []
        deliveries.reserveCapacity(batch.count)
        for job in batch {
            guard self.database.isInTransaction else {
                job.fail(StoreError(.unavailable, "the transaction was rolled back by an earlier error"))
                continue
            }
            deliveries.append(job.execute(self.database, now))
        }

        // Nothing is answered before the commit: an acknowledged write is a committed write.
        var commitError: StoreError?
        do throws(StoreError) {
            try self.database.run("COMMIT")
        } catch {
            commitError = error
            self.logger.error("cannot commit a transaction", ["error": "\(error)", "batch": "\(batch.count)"])
            try? self.database.run("ROLLBACK")
        }
        for deliver in deliveries {
            deliver(commitError)
        }
    }
}

/// Carries a result from the worker thread to a thread waiting on a semaphore.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    // Written once before the semaphore is signalled and read only after it is waited for.
    var value: Result<Value, StoreError>?
}
