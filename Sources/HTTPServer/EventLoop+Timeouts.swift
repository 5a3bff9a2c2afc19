import Logging

extension EventLoop {
    /// Applies every connection deadline. ON THE LOOP THREAD, every `sweepInterval`.
    ///
    /// A head not complete within `headerTimeout` of its first byte gets 408; a body, a write or a lingering close
    /// that stalls, and a kept-alive connection left idle, are closed after `idleTimeout`.
    func sweep() {
        let idleTimeout = self.context.idleTimeout
        for slot in self.connections.indices {
            guard let connection = self.connections[slot] else {
                continue
            }
            let idle = self.elapsed(since: connection.lastActivity)

            switch connection.state {
            case .awaitingResponse, .closingAfterWrite:
                if connection.hasPendingOutput && idle > idleTimeout {
                    self.closeExpired(connection, reason: "write stalled")
                }
            case .lingering(let deadline):
                if self.now >= deadline {
                    self.close(connection)
                }
            case .reading:
                self.sweepReading(connection, idle: idle)
            }
        }
    }

    private func sweepReading(_ connection: Connection, idle: UInt64) {
        let idleTimeout = self.context.idleTimeout
        if connection.hasPendingOutput {
            if idle > idleTimeout {
                self.closeExpired(connection, reason: "write stalled")
            }
        } else if connection.headStartedAt != 0 {
            if self.elapsed(since: connection.headStartedAt) > self.context.headerTimeout {
                self.timeOut(connection, reason: "request head timed out")
            }
        } else if connection.parser.isReadingBody {
            if idle > idleTimeout {
                self.timeOut(connection, reason: "request body stalled")
            }
        } else if idle > idleTimeout {
            self.closeExpired(connection, reason: "idle connection closed")
        }
    }

    /// Answers 408 and closes.
    private func timeOut(_ connection: Connection, reason: String) {
        self.logger.debug("request timed out", ["connection.id": String(connection.id), "reason": reason])
        self.queueError(
            status: 408,
            code: "request_timeout",
            message: "The request did not arrive in time.",
            on: connection
        )
        self.service(connection)
    }

    private func closeExpired(_ connection: Connection, reason: String) {
        self.logger.debug("connection expired", ["connection.id": String(connection.id), "reason": reason])
        self.close(connection)
    }

    private func elapsed(since instant: UInt64) -> UInt64 {
        self.now > instant ? self.now - instant : 0
    }
}
