import Glibc
import Logging
import Synchronization

/// What all event loops of one running server share; immutable apart from its atomics.
final class ServerContext: Sendable {
    /// The configuration the server started with.
    let configuration: HTTPServerConfiguration
    /// The application.
    let handler: any HTTPRequestHandler
    /// The server's logger.
    let logger: Logger
    /// The listening socket, shared by every loop (with `EPOLLEXCLUSIVE` when there are several).
    let listener: Int32
    /// Open connections across all loops, for the `maxConnections` cap and `HTTPServer.openConnections`.
    let openConnections = Atomic<Int>(0)
    /// Loops that still watch the listener; the last one to let go closes it.
    private let listenerUsers: Atomic<Int>

    /// `configuration.headerTimeout` in nanoseconds.
    let headerTimeout: UInt64
    /// `configuration.idleTimeout` in nanoseconds.
    let idleTimeout: UInt64
    /// How long a closing connection may keep sending before it is cut off.
    let lingerTimeout: UInt64
    /// How often each loop looks for expired deadlines.
    let sweepInterval: UInt64

    /// Derives the deadlines from `configuration`; `listener` is shared by `configuration.eventLoops` loops.
    init(configuration: HTTPServerConfiguration, handler: any HTTPRequestHandler, logger: Logger, listener: Int32) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.listener = listener
        self.listenerUsers = Atomic(configuration.eventLoops)
        self.headerTimeout = MonotonicClock.nanoseconds(of: configuration.headerTimeout)
        self.idleTimeout = MonotonicClock.nanoseconds(of: configuration.idleTimeout)
        self.lingerTimeout = min(self.idleTimeout, 2_000_000_000)

        // A quarter of the shortest timeout keeps expiry within 25% late, between 10 ms and 1 s.
        let shortest = min(self.headerTimeout, self.idleTimeout)
        self.sweepInterval = min(max(shortest / 4, 10_000_000), 1_000_000_000)
    }

    /// Called once by each loop when it stops watching the listener; the last call closes it.
    func releaseListener() {
        if self.listenerUsers.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            Syscall.close(self.listener)
        }
    }
}
