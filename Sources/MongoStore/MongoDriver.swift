import CMongoC
import Synchronization

/// libmongoc's process-wide set-up: the log handler, then `mongoc_init`, once; `mongoc_cleanup` once at exit.
///
/// libmongoc cannot be initialised again after `mongoc_cleanup`, so cleaning up belongs to the
/// end of the process, after every store has closed, and not to any one store.
public enum MongoDriver {
    private enum State {
        case idle
        case initialised
        case cleanedUp
    }

    private static let state = Mutex(State.idle)

    /// Initialises the driver if it is not yet; every store calls it before its first libmongoc call.
    ///
    /// - Returns: false once ``cleanUp()`` has run, after which the driver cannot be used again.
    static func initialise() -> Bool {
        self.state.withLock { state in
            switch state {
            case .initialised: return true
            case .cleanedUp: return false
            case .idle: break
            }
            let context = Unmanaged.passUnretained(MongoLogSink.shared).toOpaque()
            mongoc_log_set_handler(routeMongoLog, context)
            mongoc_init()
            state = .initialised
            return true
        }
    }

    /// Releases the driver's global state. Call it once, at exit, after every store has closed.
    public static func cleanUp() {
        self.state.withLock { state in
            guard case .initialised = state else {
                return
            }
            mongoc_cleanup()
            state = .cleanedUp
        }
    }
}
