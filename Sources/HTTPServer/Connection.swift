/// One accepted TCP connection and everything its event loop knows about it.
///
/// NOT THREAD-SAFE: created, used and closed on its event loop's thread only.
final class Connection {
    /// Where the connection is in its life.
    enum State {
        /// Parsing requests, or idle between them.
        case reading
        /// One request is with the handler; further bytes wait unparsed so that responses keep request order.
        case awaitingResponse(sequence: UInt64)
        /// The last response is queued; the connection closes once it is written.
        case closingAfterWrite
        /// The sending side is shut down; input is read and dropped until the peer closes or `deadline` passes.
        case lingering(deadline: UInt64)
    }

    /// The socket descriptor.
    let descriptor: Int32
    /// A number unique within the loop, so that a late response or event never reaches a reused descriptor.
    let id: UInt64
    /// The epoll token: `id` and `descriptor` packed together.
    let token: UInt64
    /// The read buffer and request parser.
    var parser: HTTPRequestParser
    /// Serialised responses not yet sent; bytes before `outputSent` are already gone.
    var output: [UInt8] = []
    /// How many bytes at the front of `output` have been sent.
    var outputSent = 0
    /// Where the connection is in its life.
    var state = State.reading
    /// The epoll interest currently registered, to skip `epoll_ctl` when nothing changes.
    var registeredEvents: UInt32
    /// When bytes last moved in either direction (monotonic nanoseconds).
    var lastActivity: UInt64
    /// When the first byte of the head being read arrived, or 0 when no head is in progress.
    var headStartedAt: UInt64 = 0
    /// The number of requests handed to the handler so far; the current one's responder carries it.
    var requestSequence: UInt64 = 0
    /// Whether the request being answered allows keeping the connection.
    var keepAlive = true
    /// Whether the request being answered was HTTP/1.0, which needs `Connection: keep-alive` to stay open.
    var announceKeepAlive = false
    /// Whether the request being answered was `HEAD`.
    var isHeadRequest = false
    /// Input dropped while lingering.
    var discardedBytes = 0
    /// Set once the descriptor is closed; every later event or response for it is ignored.
    var isClosed = false
    /// Set while a request is with the handler and reading stopped: enough input is buffered, or
    /// the peer closed its side. Cleared when the connection reads requests again.
    var readPaused = false

    /// Wraps a freshly accepted socket, registered in epoll for `events`, active as of `now`.
    init(descriptor: Int32, id: UInt64, parser: consuming HTTPRequestParser, events: UInt32, now: UInt64) {
        self.descriptor = descriptor
        self.id = id
        self.token = Self.token(descriptor: descriptor, id: id)
        self.parser = parser
        self.registeredEvents = events
        self.lastActivity = now
    }

    /// Whether serialised output is still waiting to be sent.
    var hasPendingOutput: Bool {
        self.outputSent < self.output.count
    }

    /// The number of serialised bytes still waiting to be sent.
    var pendingOutputCount: Int {
        self.output.count - self.outputSent
    }

    /// Packs a descriptor and connection id into an epoll token; the top bit stays clear for the loop's own tokens.
    static func token(descriptor: Int32, id: UInt64) -> UInt64 {
        ((id & 0x7FFF_FFFF) << 32) | UInt64(UInt32(bitPattern: descriptor))
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
