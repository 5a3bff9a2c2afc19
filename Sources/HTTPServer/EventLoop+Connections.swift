import Glibc
import Logging

extension EventLoop {
    /// Reacts to readiness of one connection. ON THE LOOP THREAD.
    func handleConnectionEvent(_ connection: Connection, events: UInt32) {
        if events & (Epoll.error | Epoll.hangUp) != 0 {
            self.logger.debug("connection reset or hung up", ["connection.id": String(connection.id)])
            self.close(connection)
            return
        }

        if events & Epoll.writable != 0 {
            self.service(connection)
            guard !connection.isClosed else {
                return
            }
        }
        if events & Epoll.readable != 0 {
            switch connection.state {
            case .reading:
                self.readRequests(connection)
            case .awaitingResponse:
                self.readAhead(connection)
            case .lingering:
                self.discardInput(connection)
            case .closingAfterWrite:
                break
            }
        }
    }

    /// Reads once into the parser's buffer and serves whatever requests became complete.
    private func readRequests(_ connection: Connection) {
        let space = connection.parser.writableSpace()
        let result: IOResult<Int>
        do {
            result = try Socket.read(connection.descriptor, into: space)
        } catch {
            self.logger.debug(
                "connection read failed",
                ["connection.id": String(connection.id), "error.code": "\(error.code)"]
            )
            self.close(connection)
            return
        }

        switch result {
        case .wouldBlock:
            return
        case .done(0):
            if connection.parser.bufferedByteCount > 0 || connection.parser.isReadingBody {
                self.logger.debug("peer closed mid-request", ["connection.id": String(connection.id)])
            }
            self.close(connection)
        case .done(let count):
            connection.parser.didWrite(count)
            connection.lastActivity = self.now
            self.service(connection)
        }
    }

    /// Buffers input that arrives while a request is with the handler, without parsing it.
    ///
    /// Reading stays registered during the wait, which spares two `epoll_ctl` calls per request;
    /// it pauses only when a pipelining client has sent ``readAheadLimit`` bytes or closed its side.
    private func readAhead(_ connection: Connection) {
        let result: IOResult<Int>
        do {
            result = try Socket.read(connection.descriptor, into: connection.parser.writableSpace())
        } catch {
            self.logger.debug(
                "connection read failed",
                ["connection.id": String(connection.id), "error.code": "\(error.code)"]
            )
            self.close(connection)
            return
        }

        switch result {
        case .wouldBlock:
            return
        case .done(0):
            // The answer may still be wanted; the close is seen again once the connection reads.
            connection.readPaused = true
        case .done(let count):
            connection.parser.didWrite(count)
            connection.lastActivity = self.now
            connection.readPaused = connection.parser.bufferedByteCount >= Self.readAheadLimit
        }
        self.updateInterest(connection)
    }

    /// Parses and dispatches buffered requests, writes what is ready and settles the epoll interest.
    ///
    /// The one routine run after every change: new input, a response, a writable socket.
    func service(_ connection: Connection) {
        while true {
            var stoppedForOutput = false
            if case .reading = connection.state {
                stoppedForOutput = self.processRequests(connection)
            }
            guard connection.hasPendingOutput else {
                break
            }

            guard self.flush(connection) else {
                return
            }
            if connection.hasPendingOutput || !stoppedForOutput {
                break
            }
        }

        if case .closingAfterWrite = connection.state, !connection.hasPendingOutput {
            self.beginLingeringClose(connection)
            return
        }
        self.updateInterest(connection)
    }

    /// Hands complete requests to the handler, one at a time, until one is answered later or input runs out.
    ///
    /// - Returns: true when it stopped because too much output is pending.
    private func processRequests(_ connection: Connection) -> Bool {
        while true {
            guard connection.pendingOutputCount < Self.outputHighWatermark else {
                return true
            }

            switch connection.parser.next() {
            case .needMoreData:
                if !connection.parser.isReadingHead {
                    connection.headStartedAt = 0
                } else if connection.headStartedAt == 0 {
                    connection.headStartedAt = self.now
                }
                return false
            case .continueRequired:
                HTTPResponseWriter.appendContinue(to: &connection.output)
            case .error(let error):
                self.logger.debug(
                    "request rejected",
                    [
                        "connection.id": String(connection.id), "http.status": String(error.status),
                        "error.message": error.message,
                    ]
                )
                self.queueError(status: error.status, code: error.code, message: error.message, on: connection)
                return false
            case .request(let request):
                connection.headStartedAt = 0
                self.dispatch(request, on: connection)
                guard case .reading = connection.state else {
                    return false
                }
            }
        }
    }

    /// Calls the handler and, if it answered inline, serialises the answer at once.
    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        connection.requestSequence &+= 1
        let sequence = connection.requestSequence
        connection.keepAlive = request.keepAlive && !self.isDraining
        connection.announceKeepAlive = request.version == .http1_0
        connection.isHeadRequest = request.method == "HEAD"
        connection.state = .awaitingResponse(sequence: sequence)

        self.dispatching = (connection.id, sequence)
        let responder = HTTPResponder(
            loop: self,
            connectionID: connection.id,
            descriptor: connection.descriptor,
            sequence: sequence
        )
        self.context.handler.handle(request, responder: responder)
        self.dispatching = nil

        if let response = self.inlineResponse.take() {
            self.queueResponse(response, on: connection)
        }
    }

    /// Serialises the answer to the request in flight and decides whether the connection stays open.
    func queueResponse(_ response: HTTPResponse, on connection: Connection) {
        let stayOpen = HTTPResponseWriter.append(
            response,
            headOnly: connection.isHeadRequest,
            keepAlive: connection.keepAlive && !self.isDraining,
            announceKeepAlive: connection.announceKeepAlive,
            dateLine: self.date.line,
            to: &connection.output
        )
        connection.state = stayOpen ? .reading : .closingAfterWrite
        connection.lastActivity = self.now
    }

    /// Queues an error response with a JSON body after any earlier responses; the connection closes after it.
    func queueError(status: Int, code: String, message: String, on connection: Connection) {
        HTTPResponseWriter.appendError(
            status: status,
            code: code,
            message: message,
            dateLine: self.date.line,
            to: &connection.output
        )
        connection.state = .closingAfterWrite
    }

    /// Sends pending output until it is all gone or the socket is full.
    ///
    /// - Returns: false when the connection was closed because the peer is gone.
    private func flush(_ connection: Connection) -> Bool {
        while connection.hasPendingOutput {
            let sent = connection.outputSent
            let result: Result<IOResult<Int>, HTTPServerError> = connection.output.withUnsafeBytes { bytes in
                Result { () throws(HTTPServerError) in
                    try Socket.send(connection.descriptor, UnsafeRawBufferPointer(rebasing: bytes[sent...]))
                }
            }

            switch result {
            case .success(.done(let count)):
                connection.outputSent += count
                connection.lastActivity = self.now
            case .success(.wouldBlock):
                return true
            case .failure(let error):
                self.logger.debug(
                    "connection write failed",
                    ["connection.id": String(connection.id), "error.code": "\(error.code)"]
                )
                self.close(connection)
                return false
            }
        }

        if connection.output.capacity > Self.maxRetainedOutput {
            connection.output = []
        } else {
            connection.output.removeAll(keepingCapacity: true)
        }
        connection.outputSent = 0
        return true
    }

    /// Shuts down the sending side and keeps reading until the peer closes, so that unread input cannot turn the
    /// close into a reset that destroys the last response before the client reads it.
    private func beginLingeringClose(_ connection: Connection) {
        do {
            try Socket.shutdownWrite(connection.descriptor)
        } catch {
            self.close(connection)
            return
        }
        connection.state = .lingering(deadline: self.now + self.context.lingerTimeout)
        self.updateInterest(connection)
    }

    /// Reads and drops input of a lingering connection; closes it at end of input or past the byte cap.
    private func discardInput(_ connection: Connection) {
        let result: IOResult<Int>
        do {
            result = try Socket.read(connection.descriptor, into: self.discardBuffer)
        } catch {
            self.close(connection)
            return
        }

        switch result {
        case .wouldBlock:
            return
        case .done(let count):
            connection.discardedBytes += count
            if count == 0 || connection.discardedBytes > Self.maxDiscardedBytes {
                self.close(connection)
            }
        }
    }

    /// Registers the interest the connection's state calls for, if it changed.
    func updateInterest(_ connection: Connection) {
        let desired: UInt32
        switch connection.state {
        case .reading:
            connection.readPaused = false
            desired = connection.hasPendingOutput ? Epoll.writable : Epoll.readable
        case .awaitingResponse:
            let reading = connection.readPaused ? 0 : Epoll.readable
            desired = connection.hasPendingOutput ? Epoll.writable : reading
        case .closingAfterWrite:
            desired = Epoll.writable
        case .lingering:
            desired = Epoll.readable
        }
        guard desired != connection.registeredEvents else {
            return
        }

        do {
            try self.epoll.modify(connection.descriptor, events: desired, token: connection.token)
            connection.registeredEvents = desired
        } catch {
            self.logger.error(
                "epoll_ctl failed",
                ["connection.id": String(connection.id), "error.message": error.message]
            )
            self.close(connection)
        }
    }

    /// Closes the socket and forgets the connection; a response that arrives later is dropped.
    func close(_ connection: Connection) {
        guard !connection.isClosed else {
            return
        }
        connection.isClosed = true
        self.connections[Int(connection.descriptor)] = nil
        self.connectionCount -= 1
        self.context.openConnections.subtract(1, ordering: .relaxed)

        // Closing the only descriptor of the socket also removes it from the epoll set.
        Syscall.close(connection.descriptor)
    }
}
