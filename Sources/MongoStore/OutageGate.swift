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

    /// A change of the server's state that deserves one log line.
    enum Transition {
        case wentDown
        case cameBack
    }

    /// Records how an admitted operation ended: whether the server was reachable; returns the
    /// change of state this makes, if any.
    func finish(reachable: Bool) -> Transition? {
        self.state.withLock { state in
            let wasOpen = if case .open = state { true } else { false }
            state = reachable ? .open : .down(probing: false)
            switch (wasOpen, reachable) {
            case (true, false): return .wentDown
            case (false, true): return .cameBack
            default: return nil
            }
        }
    }
}
