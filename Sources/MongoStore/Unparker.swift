import SessionCore
import Synchronization

/// Lifts parking (see ``MongoQueries``) that no longer stands for a hold, in bounded batches run by
/// leases: holds about to end once a second per collection, and parks whose `next_use` another
/// program changed once a minute, or every ten seconds while leases find nothing, or at once when
/// a lease finds a session free by its time but not leasable. At most one pass of each kind runs
/// at a time per collection.
final class Unparker: Sendable {
    /// The most sessions one pass lifts; the next pass takes the rest.
    static let batch = 500

    private enum Pass: Hashable {
        case ending
        case stale
    }

    private struct Key: Hashable {
        let collection: String
        let pass: Pass
    }

    private struct Record {
        var lastStart: ContinuousClock.Instant
        var running: Bool
    }

    private let records = Mutex<[Key: Record]>([:])

    /// Runs the passes that are due before a lease.
    func beforeLease(in collection: MongoCollection, queries: MongoQueries) throws(StoreError) {
        if self.claim(.ending, collection.name, every: .seconds(1)) {
            _ = try self.lift(MongoQueries.endingParks(now: Timestamp.now()), .ending, in: collection)
        }
        if self.claim(.stale, collection.name, every: .seconds(60)) {
            _ = try self.lift(queries.staleParks, .stale, in: collection)
        }
    }

    /// Runs the passes worth trying when a lease found nothing; returns whether any session was
    /// unparked, in which case the lease is worth another attempt.
    ///
    /// - Parameter freeByTime: whether some held session is already past its `next_use`.
    func afterMiss(in collection: MongoCollection, queries: MongoQueries, freeByTime: Bool) throws(StoreError) -> Bool {
        var lifted: Int64 = 0
        if self.claim(.ending, collection.name, every: .milliseconds(100)) {
            lifted += try self.lift(MongoQueries.endingParks(now: Timestamp.now()), .ending, in: collection)
        }
        if self.claim(.stale, collection.name, every: freeByTime ? .seconds(1) : .seconds(10)) {
            lifted += try self.lift(queries.staleParks, .stale, in: collection)
        }
        return lifted > 0
    }

    /// Unparks up to ``batch`` sessions that `filter` finds; returns how many.
    private func lift(_ filter: BSONValue, _ pass: Pass, in collection: MongoCollection) throws(StoreError) -> Int64 {
        defer { self.finish(pass, collection.name) }

        let found = try collection.find(
            filter,
            sort: ["_id": 1],
            limit: Self.batch,
            projection: ["_id": 1],
            operation: "find parked sessions"
        )
        let ids = found.compactMap { $0.first { $0.key == "_id" }?.value }
        guard !ids.isEmpty else {
            return 0
        }
        let chosen = BSONValue.document(filter.members + [BSONMember("_id", ["$in": .array(ids)])])
        return try collection.updateMany(chosen, update: MongoQueries.unpark, operation: "unpark")
    }

    /// Whether `pass` may start on `collection` now: none is running and the last began `every` ago.
    private func claim(_ pass: Pass, _ collection: String, every interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return self.records.withLock { records in
            let key = Key(collection: collection, pass: pass)
            if let record = records[key], record.running || now < record.lastStart + interval {
                return false
            }
            records[key] = Record(lastStart: now, running: true)
            return true
        }
    }

    private func finish(_ pass: Pass, _ collection: String) {
        self.records.withLock { records in
            records[Key(collection: collection, pass: pass)]?.running = false
        }
    }
}
