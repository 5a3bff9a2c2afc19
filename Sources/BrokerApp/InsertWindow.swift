import Dispatch
import SessionCore
import Synchronization

/// Inserts batches of sessions into one pool of a store, with at most a given number of batches
/// unanswered at a time.
///
/// The caller waits once a batch, not once a session, and hands the store a whole batch at once,
/// which the embedded store then commits in few groups.
final class InsertWindow: Sendable {
    private let store: any SessionStore
    private let pool: PoolConfiguration
    private let slots: DispatchSemaphore
    private let unanswered = DispatchGroup()

    init(store: any SessionStore, pool: PoolConfiguration, batches: Int) {
        self.store = store
        self.pool = pool
        self.slots = DispatchSemaphore(value: batches)
    }

    /// Starts inserting every session of `batch`, in order; `completion` receives the position of
    /// each in the batch and the store's answer, on one of the store's threads.
    ///
    /// It BLOCKS while the limit of unanswered batches is reached.
    func insert(_ batch: [Session], completion: @escaping @Sendable (Int, Result<Session, StoreError>) -> Void) {
        guard !batch.isEmpty else {
            return
        }
        self.slots.wait()
        self.unanswered.enter()
        let remaining = Countdown(batch.count)
        for (position, session) in batch.enumerated() {
            self.store.insert(session, into: self.pool) { result in
                completion(position, result)
                if remaining.countDown() {
                    self.slots.signal()
                    self.unanswered.leave()
                }
            }
        }
    }

    /// Waits until every batch started so far is answered. It BLOCKS.
    func wait() {
        self.unanswered.wait()
    }
}

/// Counts the answers a batch still waits for.
private final class Countdown: Sendable {
    private let remaining: Atomic<Int>

    init(_ count: Int) {
        self.remaining = Atomic(count)
    }

    /// Counts one answer; true for the last.
    func countDown() -> Bool {
        self.remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0
    }
}
