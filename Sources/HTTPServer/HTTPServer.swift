import Dispatch
import Glibc
import Logging
import Synchronization

/// An HTTP/1.1 server on non-blocking sockets and epoll, with keep-alive, pipelining and graceful shutdown.
///
/// `start()` binds and starts `eventLoops` threads that share the listening socket; each request goes to the
/// handler on the thread of its connection's loop. `shutdown(drainTimeout:)` stops accepting, lets requests in
/// flight finish and joins the threads. Both are safe to call from any thread that is not an event-loop thread.
public final class HTTPServer: Sendable {
    private enum State {
        case idle
        case running(Running)
        case stopping(Running)
        case stopped
    }

    private struct Running {
        var context: ServerContext
        var loops: [EventLoop]
        var threads: [LoopThread]
    }

    private let configuration: HTTPServerConfiguration
    private let handler: any HTTPRequestHandler
    private let logger: Logger
    private let state = Mutex(State.idle)
    private let stopped = DispatchGroup()

    /// Creates a server; nothing is bound until `start()`.
    ///
    /// - Parameters:
    ///   - configuration: address, limits and number of event loops.
    ///   - handler: called for every request, ON AN EVENT-LOOP THREAD.
    ///   - logger: receives start-up and shutdown at `info`, per-connection events at `debug`.
    public init(configuration: HTTPServerConfiguration, handler: any HTTPRequestHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
    }

    deinit {
        self.state.withLock { state in
            if case .running = state {
                assertionFailure("HTTPServer released while running; call shutdown(drainTimeout:) first")
            }
        }
    }

    /// The number of connections open right now, across all event loops; 0 when not running.
    public var openConnections: Int {
        self.state.withLock { state in
            switch state {
            case .running(let running), .stopping(let running):
                running.context.openConnections.load(ordering: .relaxed)
            case .idle, .stopped:
                0
            }
        }
    }

    /// Binds, listens and starts the event-loop threads. Also makes the process ignore `SIGPIPE`.
    ///
    /// - Returns: the bound port (the one the kernel chose when the configured port is 0).
    /// - Throws: `HTTPServerError` with `.invalidConfiguration`, `.alreadyStarted`, `.invalidAddress`,
    ///   `.addressInUse`, `.permissionDenied` or another code for a failed system call.
    public func start() throws(HTTPServerError) -> Int {
        try self.configuration.validate()
        return try self.state.withLock { state throws(HTTPServerError) -> Int in
            guard case .idle = state else {
                throw HTTPServerError(code: .alreadyStarted, message: "the server was already started or shut down")
            }

            // A peer that closes early must never kill the process; every send also passes MSG_NOSIGNAL.
            signal(SIGPIPE, SIG_IGN)

            let (listener, port) = try Socket.makeListener(
                host: self.configuration.host,
                port: self.configuration.port,
                backlog: 1024
            )
            let context = ServerContext(
                configuration: self.configuration,
                handler: self.handler,
                logger: self.logger,
                listener: listener
            )
            let running = try self.startLoops(context: context)

            state = .running(running)
            self.stopped.enter()
            self.logger.info(
                "server listening",
                [
                    "http.host": self.configuration.host, "http.port": String(port),
                    "http.event_loops": String(self.configuration.eventLoops),
                ]
            )
            return port
        }
    }

    /// Stops the server: stops accepting (the listening socket closes), closes idle connections, lets requests in
    /// flight be answered and written (with `Connection: close`), force-closes what is left at the deadline, then
    /// joins the event-loop threads.
    ///
    /// BLOCKS until the threads have ended. MUST NOT be called from an event-loop thread (from a handler). Safe
    /// from any other thread and idempotent: a second call waits for the first to finish; a call before `start()`
    /// makes the server unusable.
    ///
    /// - Parameter drainTimeout: how long requests in flight may take to finish.
    public func shutdown(drainTimeout: Duration) {
        let running: Running? = self.state.withLock { state in
            switch state {
            case .idle:
                state = .stopped
                return nil
            case .running(let running):
                state = .stopping(running)
                return running
            case .stopping, .stopped:
                return nil
            }
        }
        guard let running else {
            self.stopped.wait()
            return
        }
        precondition(
            !running.loops.contains { $0.isOnLoopThread },
            "HTTPServer.shutdown(drainTimeout:) called from an event-loop thread"
        )

        self.logger.info("server shutting down", ["http.connections": String(self.openConnections)])
        let deadline = MonotonicClock.nanoseconds() + MonotonicClock.nanoseconds(of: drainTimeout)
        for loop in running.loops {
            loop.requestDrain(deadline: deadline)
        }
        for thread in running.threads {
            thread.join()
        }

        self.state.withLock { $0 = .stopped }
        self.stopped.leave()
        self.logger.info("server stopped")
    }

    /// Creates the loops and their threads; on failure, undoes whatever was started.
    private func startLoops(context: ServerContext) throws(HTTPServerError) -> Running {
        var loops: [EventLoop] = []
        do {
            for index in 0..<self.configuration.eventLoops {
                let loop = try EventLoop(index: index, context: context)
                loops.append(loop)
                try loop.attachListener()
            }
        } catch {
            for loop in loops {
                loop.discardUnstarted()
            }
            // Loops never created still hold a share of the listener.
            for _ in loops.count..<self.configuration.eventLoops {
                context.releaseListener()
            }
            throw error
        }

        var threads: [LoopThread] = []
        for (index, loop) in loops.enumerated() {
            do {
                threads.append(try LoopThread.start(name: "http-loop-\(index)") { loop.run() })
            } catch {
                for started in loops[..<index] {
                    started.requestDrain(deadline: 0)
                }
                for thread in threads {
                    thread.join()
                }
                for unstarted in loops[index...] {
                    unstarted.discardUnstarted()
                }
                throw error
            }
        }
        return Running(context: context, loops: loops, threads: threads)
    }
}
