import CEpoll
import Glibc
import Logging
import Synchronization

/// One thread running epoll over its share of the server's connections.
///
/// Everything under "Loop-confined state" is touched ONLY ON THE LOOP THREAD (the one inside `run()`). Other
/// threads reach the loop through `respond` and `requestDrain`, which queue a message in `inbox` and wake the loop
/// through an eventfd.
final class EventLoop: @unchecked Sendable {  // Loop-confined state stays on the loop thread; `inbox` has a Mutex.
    /// A message from another thread.
    enum Message: Sendable {
        case respond(ResponseDelivery)
        case drain(deadline: UInt64)
    }

    /// A response on its way to the connection and request it answers.
    struct ResponseDelivery: Sendable {
        /// The connection the response belongs to.
        var connectionID: UInt64
        /// The connection's descriptor, to find it without a search.
        var descriptor: Int32
        /// The number of the request it answers on that connection.
        var sequence: UInt64
        /// The response itself.
        var response: HTTPResponse
    }

    /// Messages waiting for the loop, and whether the loop still takes any.
    struct Inbox {
        var messages: [Message] = []
        var isOpen = true
    }

    /// The epoll token of the shared listener; connection tokens never have the top bit set.
    static let listenerToken = UInt64.max
    /// The epoll token of the loop's eventfd.
    static let wakeToken = UInt64.max - 1
    /// The most events taken from one `epoll_wait`.
    static let eventCapacity = 256
    /// The most connections accepted per listener event.
    static let acceptBatch = 32
    /// Above this much unsent output, a connection stops parsing requests until the socket drains.
    static let outputHighWatermark = 256 * 1024
    /// The most input buffered ahead while a request is with the handler, before reading pauses.
    static let readAheadLimit = 64 * 1024
    /// Output buffers that grew past this are released once sent, so idle connections stay small.
    static let maxRetainedOutput = 64 * 1024
    /// A lingering connection that sends more than this is cut off.
    static let maxDiscardedBytes = 1 << 20
    /// The size of the buffer that lingering connections are read into.
    static let discardBufferSize = 16 * 1024

    /// The position of the loop in the server, for logs and the thread name.
    let index: Int
    /// What all loops of the server share.
    let context: ServerContext
    /// The server's logger with `http.event_loop` set.
    let logger: Logger
    /// The loop's epoll instance.
    let epoll: Epoll
    /// Signalled by other threads after queueing a message.
    let wakeup: EventFD
    /// Messages from other threads.
    let inbox = Mutex(Inbox())
    /// Set while a wake-up is signalled but not yet handled, so that bursts of responses signal once.
    let wakePending = Atomic<Bool>(false)
    /// The `pthread_t` of the loop thread while `run()` runs, else 0.
    let threadID = Atomic<UInt>(0)

    // Loop-confined state.
    /// Open connections indexed by descriptor.
    var connections: [Connection?] = []
    /// The number of non-nil entries in `connections`.
    var connectionCount = 0
    /// The id the next accepted connection gets.
    var nextConnectionID: UInt64 = 1
    /// Monotonic nanoseconds read once per wake-up.
    var now: UInt64
    /// The `Date` line shared by every response of this loop.
    var date = HTTPDateCache()
    /// The connection and request whose `handle` call is running, so that an inline `respond` is recognised.
    var dispatching: (connectionID: UInt64, sequence: UInt64)?
    /// The response given during the running `handle` call, written as soon as it returns.
    var inlineResponse: HTTPResponse?
    /// Responses given on the loop thread outside their own `handle` call, delivered after the current event.
    var deferred: [ResponseDelivery] = []
    /// The array swapped with the inbox, kept to reuse its capacity.
    var spareMessages: [Message] = []
    /// When deadlines are next checked.
    var nextSweep: UInt64
    /// Set once shutdown began: no new connections or requests, close after each response.
    var isDraining = false
    /// When a draining loop closes whatever is left.
    var drainDeadline: UInt64 = 0
    /// Whether the listener is in the epoll set now.
    var listenerAttached = false
    /// Whether the loop gave up its share of the listener.
    var listenerReleased = false
    /// When accepting resumes after a pause, or 0 when not paused.
    var acceptResumesAt: UInt64 = 0
    /// A descriptor on /dev/null given up when descriptors run out, so that one pending connection can be refused.
    var reserveDescriptor: Int32 = -1
    /// When running out of descriptors was last logged.
    var exhaustionLoggedAt: UInt64 = 0
    /// Connections refused for lack of descriptors since that log line.
    var refusedSinceLog = 0
    /// Where input of lingering connections is read and dropped.
    let discardBuffer: UnsafeMutableRawBufferPointer

    /// Creates the loop's epoll instance, with its eventfd registered, and its reserve descriptor.
    ///
    /// - Throws: `HTTPServerError` when a descriptor cannot be created or registered.
    init(index: Int, context: ServerContext) throws(HTTPServerError) {
        self.index = index
        self.context = context
        var logger = context.logger
        logger.metadata["http.event_loop"] = String(index)
        self.logger = logger

        let epoll = try Epoll(capacity: Self.eventCapacity)
        let wakeup: EventFD
        do {
            wakeup = try EventFD()
            try epoll.add(wakeup.descriptor, events: Epoll.readable, token: Self.wakeToken)
        } catch {
            epoll.close()
            throw error
        }
        self.epoll = epoll
        self.wakeup = wakeup

        self.now = MonotonicClock.nanoseconds()
        self.nextSweep = self.now + context.sweepInterval
        self.discardBuffer = .allocate(byteCount: Self.discardBufferSize, alignment: 8)
        self.reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// Starts watching the shared listener. Called once before `run()`, on the thread that creates the loop.
    ///
    /// - Throws: `HTTPServerError` from `epoll_ctl`.
    func attachListener() throws(HTTPServerError) {
        try self.epoll.add(self.context.listener, events: self.listenerEvents, token: Self.listenerToken)
        self.listenerAttached = true
    }

    /// The epoll events for the listener: exclusive wake-ups when several loops share it.
    var listenerEvents: UInt32 {
        self.context.configuration.eventLoops > 1 ? Epoll.readable | Epoll.exclusive : Epoll.readable
    }

    /// Whether the caller runs on this loop's thread.
    var isOnLoopThread: Bool {
        pthread_equal(pthread_self(), pthread_t(self.threadID.load(ordering: .acquiring))) != 0
    }

    /// Runs the loop until it has drained after `requestDrain`. BLOCKS the calling thread, which becomes the loop
    /// thread; call it exactly once.
    func run() {
        self.threadID.store(UInt(pthread_self()), ordering: .releasing)
        self.logger.debug("event loop started")

        while true {
            let count: Int
            do {
                count = try self.epoll.wait(timeoutMilliseconds: self.waitTimeout())
            } catch {
                self.logger.critical("event loop failed", ["error.message": error.message])
                break
            }
            self.now = MonotonicClock.nanoseconds()
            self.date.update(epochSeconds: Int(time(nil)))

            for index in 0..<count {
                let (events, token) = self.epoll.event(at: index)
                self.handleEvent(events, token: token)
            }
            self.deliverDeferred()

            if self.now >= self.nextSweep {
                self.sweep()
                self.nextSweep = self.now + self.context.sweepInterval
            }
            if self.acceptResumesAt != 0 && self.now >= self.acceptResumesAt {
                self.resumeAccepting()
            }
            if self.isDraining && (self.connectionCount == 0 || self.now >= self.drainDeadline) {
                break
            }
        }

        self.tearDown()
    }

    /// Queues `response` for its connection. Safe from any thread; inline when called during its own `handle`.
    func respond(_ response: HTTPResponse, connectionID: UInt64, descriptor: Int32, sequence: UInt64) {
        let onLoopThread = self.isOnLoopThread
        if onLoopThread, let current = self.dispatching, current.connectionID == connectionID,
            current.sequence == sequence
        {
            if self.inlineResponse == nil {
                self.inlineResponse = response
            } else {
                self.logger.debug("second response for one request ignored")
            }
            return
        }

        let delivery = ResponseDelivery(
            connectionID: connectionID,
            descriptor: descriptor,
            sequence: sequence,
            response: response
        )
        if onLoopThread {
            self.deferred.append(delivery)
        } else {
            self.send(.respond(delivery))
        }
    }

    /// Asks the loop to stop accepting, finish in-flight requests and stop by `deadline`. Safe from any thread.
    func requestDrain(deadline: UInt64) {
        self.send(.drain(deadline: deadline))
    }

    /// Queues a message and wakes the loop unless a wake-up is already pending. Safe from any thread.
    private func send(_ message: Message) {
        self.inbox.withLock { inbox in
            guard inbox.isOpen else {
                return
            }
            inbox.messages.append(message)

            // Signalling under the lock keeps the eventfd from being closed in between (see `tearDown`).
            if self.wakePending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
                .exchanged
            {
                self.wakeup.signal()
            }
        }
    }

    private func handleEvent(_ events: UInt32, token: UInt64) {
        switch token {
        case Self.listenerToken:
            // Draining may have let go of the listener earlier in this batch of events.
            if self.listenerAttached {
                self.acceptConnections()
            }
        case Self.wakeToken:
            self.receiveMessages()
        default:
            let descriptor = Int(UInt32(truncatingIfNeeded: token))
            guard descriptor < self.connections.count, let connection = self.connections[descriptor],
                connection.token == token
            else {
                return
            }
            self.handleConnectionEvent(connection, events: events)
        }
    }

    private func receiveMessages() {
        self.wakeup.drain()

        // Clearing the flag before taking the messages makes any later `send` signal again.
        self.wakePending.store(false, ordering: .sequentiallyConsistent)
        self.inbox.withLock { inbox in
            swap(&inbox.messages, &self.spareMessages)
        }

        for message in self.spareMessages {
            switch message {
            case .respond(let delivery):
                self.deliver(delivery)
            case .drain(let deadline):
                self.beginDraining(deadline: deadline)
            }
        }
        self.spareMessages.removeAll(keepingCapacity: true)
    }

    private func deliverDeferred() {
        while !self.deferred.isEmpty {
            var deliveries: [ResponseDelivery] = []
            swap(&deliveries, &self.deferred)
            for delivery in deliveries {
                self.deliver(delivery)
            }
        }
    }

    /// Writes a response that arrived after its `handle` call returned.
    private func deliver(_ delivery: ResponseDelivery) {
        let descriptor = Int(delivery.descriptor)
        guard descriptor >= 0, descriptor < self.connections.count, let connection = self.connections[descriptor],
            connection.id == delivery.connectionID,
            case .awaitingResponse(let sequence) = connection.state, sequence == delivery.sequence
        else {
            self.logger.debug("response for a closed connection dropped")
            return
        }

        self.queueResponse(delivery.response, on: connection)
        self.service(connection)
    }

    private func waitTimeout() -> Int32 {
        guard self.deferred.isEmpty else {
            return 0
        }

        var wakeAt = self.nextSweep
        if self.acceptResumesAt != 0 {
            wakeAt = min(wakeAt, self.acceptResumesAt)
        }
        if self.isDraining {
            wakeAt = min(wakeAt, self.drainDeadline)
        }
        let current = MonotonicClock.nanoseconds()
        guard wakeAt > current else {
            return 0
        }
        return Int32(min((wakeAt - current + 999_999) / 1_000_000, 1000))
    }
}
