import SessionCore
import Synchronization

/// Owns one store for one test and closes it once: at `close()` or, failing that, when released.
final class StoreHandle: Sendable {
    let store: any SessionStore
    private let closed = Mutex(false)

    init(_ store: any SessionStore) {
        self.store = store
    }

    deinit {
        self.close()
    }

    func close() {
        let wasClosed = self.closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        if !wasClosed {
            self.store.close()
        }
    }
}
