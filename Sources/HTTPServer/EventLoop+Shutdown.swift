import Glibc
import Logging

extension EventLoop {
    /// Stops accepting, closes idle connections and lets those with a request in flight or arriving finish.
    /// ON THE LOOP THREAD.
    func beginDraining(deadline: UInt64) {
        guard !self.isDraining else {
            return
        }
        self.isDraining = true
        self.drainDeadline = deadline
        self.acceptResumesAt = 0
        self.releaseListener()

        for slot in self.connections.indices {
            guard let connection = self.connections[slot] else {
                continue
            }
            switch connection.state {
            case .awaitingResponse, .closingAfterWrite:
                // The response (or the rest of it) still goes out, then the connection closes.
                continue
            case .reading where connection.parser.isReadingBody || connection.parser.bufferedByteCount > 0:
                // A request is arriving: it is answered, with `Connection: close`, if it completes in time.
                continue
            case .reading:
                if connection.hasPendingOutput {
                    connection.state = .closingAfterWrite
                    self.updateInterest(connection)
                } else {
                    self.close(connection)
                }
            case .lingering:
                self.close(connection)
            }
        }
        self.logger.debug("event loop draining", ["http.connections": String(self.connectionCount)])
    }

    /// Lets go of the shared listener once; the last loop to do so closes it.
    private func releaseListener() {
        self.detachListener()
        guard !self.listenerReleased else {
            return
        }
        self.listenerReleased = true
        self.context.releaseListener()
    }

    /// Closes every connection and descriptor of the loop. ON THE LOOP THREAD, once, as `run()` ends.
    func tearDown() {
        for slot in self.connections.indices {
            if let connection = self.connections[slot] {
                self.logger.debug("connection closed at shutdown", ["connection.id": String(connection.id)])
                self.close(connection)
            }
        }
        self.releaseListener()

        // After this no thread signals the eventfd, so it can be closed.
        self.inbox.withLock { inbox in
            inbox.isOpen = false
            inbox.messages.removeAll()
        }
        self.threadID.store(0, ordering: .releasing)
        self.wakeup.close()
        self.epoll.close()
        if self.reserveDescriptor >= 0 {
            Syscall.close(self.reserveDescriptor)
            self.reserveDescriptor = -1
        }
        self.discardBuffer.deallocate()
        self.logger.debug("event loop stopped")
    }

    /// Frees the descriptors of a loop whose thread never started. On the thread that created it.
    func discardUnstarted() {
        self.threadID.store(UInt(pthread_self()), ordering: .releasing)
        self.tearDown()
    }
}
