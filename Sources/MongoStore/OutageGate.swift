import Synchronization

/// Keeps requests from queueing behind an unreachable server.
///
/// While the server answers, every operation goes through. Once an operation finds it
/// unavailable, one operation at a time probes it and the others fail at once, so that clients
/// get their 503 within one server-selection timeout however many are waiting; the first probe
/// that succeeds opens the gate again.
final class OutageGate: Sendable {
    private enum State {
        case open
        case down(probing: Bool)
    }

    private let state = Mutex(State.open)

    /// What an operation may do now.
    enum Admission {
        /// Run normally.
        case run
        /// Run as the one probe of a server believed down.
        case probe
        /// Fail without calling the server.
        case refuse
    }

    func admit() -> Admission {
        self.state.withLock { state in
            switch state {
            case .open:
                return .run
            case .down(probing: true):
                return .refuse
            case .down(probing: false):
                state = .down(probing: true)
                return .probe
            }
        }
    }

    /// Records how an admitted operation ended: whether the server was reachable.
    func finish(reachable: Bool) {
        self.state.withLock { state in
            state = reachable ? .open : .down(probing: false)
        }
    }

    /// Whether the last operation found the server unreachable.
    var isDown: Bool {
        self.state.withLock { state in
            if case .open = state {
                return false
            }
            return true
        }
    }
}
