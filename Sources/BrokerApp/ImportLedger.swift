import SessionCore
import Synchronization

/// What has become of each line of an import, written by the reading thread and the store's threads.
///
/// Besides the counts it keeps the last line up to which every line is settled, so that an
/// import that stops can say exactly how far it got although the store answers out of order.
final class ImportLedger: Sendable {
    /// How a line ended.
    enum Outcome {
        case inserted
        case duplicate
        case rejected
        case blank
    }

    /// The counts of an import.
    struct Counts: Sendable {
        var inserted = 0
        var duplicates = 0
        var rejected = 0
        var blank = 0

        /// Every line counted.
        var lines: Int {
            self.inserted + self.duplicates + self.rejected + self.blank
        }
    }

    /// Where an import that stopped got to.
    struct Stop: Sendable {
        /// The earliest line whose insert failed, and how.
        let line: Int
        let error: StoreError
        /// Every line up to this one is settled.
        let settledThrough: Int
        /// Lines after ``settledThrough`` that were inserted all the same.
        let insertedBeyond: Int
    }

    private struct State {
        var counts = Counts()
        var settledThrough = 0
        /// Settled lines after `settledThrough`, and whether each was inserted.
        var settledBeyond: [Int: Bool] = [:]
        /// The `_id`s of inserts not answered yet.
        var pendingIDs: Set<String> = []
        var failure: (line: Int, error: StoreError)?
    }

    private let state = Mutex(State())

    /// Records how `line` ended; returns the number of lines rejected so far when this one is rejected.
    @discardableResult
    func settle(_ line: Int, as outcome: Outcome, id: String? = nil) -> Int {
        self.state.withLock { state in
            switch outcome {
            case .inserted: state.counts.inserted += 1
            case .duplicate: state.counts.duplicates += 1
            case .rejected: state.counts.rejected += 1
            case .blank: state.counts.blank += 1
            }
            if let id {
                state.pendingIDs.remove(id)
            }

            if line == state.settledThrough + 1 {
                state.settledThrough = line
                while let _ = state.settledBeyond.removeValue(forKey: state.settledThrough + 1) {
                    state.settledThrough += 1
                }
            } else {
                state.settledBeyond[line] = outcome == .inserted
            }
            return state.counts.rejected
        }
    }

    /// Records that the store failed on `line` in a way that stops the import; the failure on the
    /// earliest line is kept.
    func fail(_ line: Int, with error: StoreError, id: String) {
        self.state.withLock { state in
            state.pendingIDs.remove(id)
            if line < state.failure?.line ?? .max {
                state.failure = (line, error)
            }
        }
    }

    /// Notes that an insert of `id` is under way; false when one of the same `_id` is still unanswered.
    func begin(id: String) -> Bool {
        self.state.withLock { state in
            state.pendingIDs.insert(id).inserted
        }
    }

    /// Whether the store has failed in a way that stops the import.
    var hasFailed: Bool {
        self.state.withLock { $0.failure != nil }
    }

    var counts: Counts {
        self.state.withLock { $0.counts }
    }

    /// Where the import got to, once it has stopped for a store failure; nil when it has not.
    ///
    /// Ask only after every insert has been answered.
    var stop: Stop? {
        self.state.withLock { state in
            state.failure.map { failure in
                Stop(
                    line: failure.line,
                    error: failure.error,
                    settledThrough: state.settledThrough,
                    insertedBeyond: state.settledBeyond.values.count { $0 }
                )
            }
        }
    }
}
