import Glibc
import Logging

extension EventLoop {
    /// How long accepting pauses when descriptors run out and no reserve is left.
    static let acceptPause: UInt64 = 100_000_000
    /// At most one log line about refused connections per this interval.
    static let exhaustionLogInterval: UInt64 = 10_000_000_000

    /// Accepts a batch of pending connections. ON THE LOOP THREAD.
    ///
    /// The batch is bounded so that one busy listener cannot starve the connections already open; with level
    /// triggering the rest are reported again at once.
    func acceptConnections() {
        for _ in 0..<Self.acceptBatch {
            let descriptor: Int32
            do {
                switch try Socket.accept(self.context.listener) {
                case .wouldBlock:
                    return
                case .done(let accepted):
                    descriptor = accepted
                }
            } catch {
                guard self.handleAcceptFailure(error) else {
                    return
                }
                continue
            }
            self.admit(descriptor)
        }
    }

    /// Sorts out a failed `accept4`.
    ///
    /// - Returns: true when accepting may go on at once (the failure concerned one connection only).
    private func handleAcceptFailure(_ error: HTTPServerError) -> Bool {
        switch error.errno ?? 0 {
        case ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP,
            ENETUNREACH:
            return true
        case EMFILE, ENFILE:
            self.refuseForLackOfDescriptors()
            return false
        default:
            self.logger.error("accept failed", ["error.message": error.message])
            self.pauseAccepting()
            return false
        }
    }

    /// Registers a new connection, or answers 503 and closes it when the server is full.
    private func admit(_ descriptor: Int32) {
        let open = self.context.openConnections.add(1, ordering: .relaxed).newValue
        guard open <= self.context.configuration.maxConnections, !self.isDraining else {
            self.refuse(descriptor)
            self.context.openConnections.subtract(1, ordering: .relaxed)
            return
        }

        do {
            try Socket.setNoDelay(descriptor)
        } catch {
            self.logger.debug("TCP_NODELAY failed", ["error.message": error.message])
        }

        let id = self.nextConnectionID
        self.nextConnectionID &+= 1
        let configuration = self.context.configuration
        let parser = HTTPRequestParser(
            maxRequestLineBytes: configuration.maxRequestLineBytes,
            maxHeaderBytes: configuration.maxHeaderBytes,
            maxBodyBytes: configuration.maxBodyBytes
        )
        let connection = Connection(
            descriptor: descriptor,
            id: id,
            parser: parser,
            events: Epoll.readable,
            now: self.now
        )

        do {
            try self.epoll.add(descriptor, events: Epoll.readable, token: connection.token)
        } catch {
            self.logger.error("epoll_ctl failed", ["error.message": error.message])
            Syscall.close(descriptor)
            self.context.openConnections.subtract(1, ordering: .relaxed)
            return
        }

        let slot = Int(descriptor)
        if slot >= self.connections.count {
            let grownCount = max(slot + 1, self.connections.count * 2)
            self.connections.append(contentsOf: repeatElement(nil, count: grownCount - self.connections.count))
        }
        self.connections[slot] = connection
        self.connectionCount += 1
    }

    /// Answers 503 with one non-blocking send and closes; used when `maxConnections` is reached.
    private func refuse(_ descriptor: Int32) {
        var bytes: [UInt8] = []
        HTTPResponseWriter.appendError(
            status: 503,
            code: "too_many_connections",
            message: "The server has too many open connections; try again later.",
            dateLine: self.date.line,
            to: &bytes
        )
        _ = bytes.withUnsafeBytes { try? Socket.send(descriptor, $0) }
        Syscall.close(descriptor)
        self.logger.debug("connection refused: too many connections")
    }

    /// Gives up the reserve descriptor to accept and close one pending connection, so that the listener stops
    /// being readable instead of waking the loop in a tight circle.
    private func refuseForLackOfDescriptors() {
        self.refusedSinceLog += 1
        if self.reserveDescriptor >= 0 {
            Syscall.close(self.reserveDescriptor)
            if case .done(let descriptor)? = try? Socket.accept(self.context.listener) {
                Syscall.close(descriptor)
            }
            self.reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        } else {
            self.pauseAccepting()
        }

        if self.exhaustionLoggedAt == 0 || self.now - self.exhaustionLoggedAt >= Self.exhaustionLogInterval {
            self.logger.error(
                "out of file descriptors; refusing connections",
                ["connections.refused": String(self.refusedSinceLog)]
            )
            self.exhaustionLoggedAt = self.now
            self.refusedSinceLog = 0
        }
    }

    /// Stops watching the listener for `acceptPause`.
    private func pauseAccepting() {
        self.detachListener()
        self.acceptResumesAt = self.now + Self.acceptPause
    }

    /// Watches the listener again after a pause, unless the loop is draining.
    func resumeAccepting() {
        self.acceptResumesAt = 0
        guard !self.isDraining, !self.listenerAttached else {
            return
        }

        do {
            try self.epoll.add(self.context.listener, events: self.listenerEvents, token: Self.listenerToken)
            self.listenerAttached = true
        } catch {
            self.logger.error("epoll_ctl failed", ["error.message": error.message])
            self.acceptResumesAt = self.now + Self.acceptPause
        }
    }

    /// Stops watching the listener.
    func detachListener() {
        guard self.listenerAttached else {
            return
        }
        self.listenerAttached = false
        do {
            try self.epoll.remove(self.context.listener)
        } catch {
            self.logger.error("epoll_ctl failed", ["error.message": error.message])
        }
    }
}
