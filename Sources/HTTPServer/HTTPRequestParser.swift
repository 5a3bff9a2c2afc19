import Glibc

/// An incremental HTTP/1.1 request parser that owns its read buffer.
///
/// Feed bytes with `append(_:)` (or, inside the server, by reading a socket straight into the buffer), then call
/// `next()` until it answers `.needMoreData`. Requests come out in order; bytes of a following, pipelined request
/// stay buffered. The grammar is applied strictly (RFC 9112): lines end with CRLF, header names are tokens followed
/// directly by a colon, obsolete line folding and control characters are refused.
///
/// NOT THREAD-SAFE: one parser belongs to one connection, used on one thread at a time.
public struct HTTPRequestParser: ~Copyable {
    /// The longest request line accepted, without CRLF.
    public let maxRequestLineBytes: Int
    /// The largest header block accepted, field lines and the final empty line included; trailers share the limit.
    public let maxHeaderBytes: Int
    /// The largest body accepted, after de-chunking.
    public let maxBodyBytes: Int

    /// Where the parser is within the current request.
    enum State {
        case head
        case fixedBody(length: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    /// The smallest free space offered to a read.
    static let minimumReadSpace = 1024
    /// The longest chunk-size line accepted, extensions included.
    static let maxChunkLineBytes = 4096

    /// The read buffer, owned by the parser.
    var storage: UnsafeMutablePointer<UInt8>
    /// The size of `storage`.
    var capacity: Int
    /// The size `storage` starts with and returns to when empty.
    let initialCapacity: Int
    /// The first byte not yet consumed; every offset kept while parsing is relative to it.
    var readIndex = 0
    /// One past the last byte received.
    var writeIndex = 0
    /// Where the parser is within the current request.
    var state = State.head
    /// What is known so far of the head being read.
    var head = HeadScan()
    /// The complete head whose body is being read.
    var pending: PendingHead?
    /// The de-chunked body received so far.
    var chunkedBody: [UInt8] = []
    /// How far the current chunk-size or trailer line has been searched for its LF, relative to `readIndex`.
    var lineSearchOffset = 0
    /// The size of the trailer section so far, held to `maxHeaderBytes`.
    var trailerBytes = 0
    /// The error that ended parsing, returned again by every later call.
    var failure: HTTPParseError?

    /// Creates a parser with the given limits (the defaults are those of `HTTPServerConfiguration`).
    public init(
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 16384,
        maxBodyBytes: Int = 1 << 20,
        initialCapacity: Int = 4096
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.initialCapacity = max(initialCapacity, Self.minimumReadSpace)
        self.capacity = self.initialCapacity
        self.storage = .allocate(capacity: self.initialCapacity)
    }

    deinit {
        self.storage.deallocate()
    }

    /// The number of received bytes not yet turned into requests.
    public var bufferedByteCount: Int {
        self.writeIndex - self.readIndex
    }

    /// Whether part of a request head has arrived and the head is not complete yet.
    public var isReadingHead: Bool {
        if case .head = self.state {
            return self.writeIndex > self.readIndex
        }
        return false
    }

    /// Whether the head of a request is complete and its body is still arriving.
    public var isReadingBody: Bool {
        if case .head = self.state {
            return false
        }
        return true
    }

    /// Adds received bytes at the end of the buffer.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        self.reserve(bytes.count)
        let tail = UnsafeMutableBufferPointer(start: self.storage + self.writeIndex, count: bytes.count)
        _ = tail.initialize(from: bytes)
        self.writeIndex += bytes.count
    }

    /// Parses as far as the buffered bytes allow.
    ///
    /// - Returns: the next request, `.needMoreData`, `.continueRequired` once for a head with
    ///   `Expect: 100-continue`, or the error that ends the connection (repeated on every later call).
    public mutating func next() -> HTTPParseResult {
        if let failure = self.failure {
            return .error(failure)
        }

        while true {
            let step: Step
            switch self.state {
            case .head:
                step = self.parseHead()
            case .fixedBody(let length):
                step = self.parseFixedBody(length: length)
            case .chunkSize:
                step = self.parseChunkSize()
            case .chunkData(let remaining):
                step = self.parseChunkData(remaining: remaining)
            case .chunkDataEnd:
                step = self.parseChunkDataEnd()
            case .trailers:
                step = self.parseTrailers()
            }

            switch step {
            case .proceed:
                continue
            case .result(let result):
                return result
            case .failure(let error):
                self.failure = error
                return .error(error)
            }
        }
    }

    /// Offers the free space at the end of the buffer to a read; call `didWrite(_:)` with what was written.
    ///
    /// The space is large enough for the whole of a declared body when one is being read. The pointer is valid
    /// until the next mutating call.
    mutating func writableSpace() -> UnsafeMutableRawBufferPointer {
        var wanted = Self.minimumReadSpace
        if case .fixedBody(let length) = self.state {
            wanted = max(wanted, length - self.bufferedByteCount)
        }
        self.reserve(wanted)
        let free = self.capacity - self.writeIndex
        return UnsafeMutableRawBufferPointer(start: self.storage + self.writeIndex, count: free)
    }

    /// Records that `count` bytes were written into the space from `writableSpace()`.
    mutating func didWrite(_ count: Int) {
        precondition(count >= 0 && self.writeIndex + count <= self.capacity, "wrote past the read buffer")
        self.writeIndex += count
    }

    /// The outcome of one parsing step.
    enum Step {
        case proceed
        case result(HTTPParseResult)
        case failure(HTTPParseError)
    }

    /// Makes room for `count` more bytes: first by moving unconsumed bytes to the front, then by growing.
    mutating func reserve(_ count: Int) {
        guard self.capacity - self.writeIndex < count else {
            return
        }

        let buffered = self.bufferedByteCount
        if self.readIndex > 0 {
            if buffered > 0 {
                memmove(self.storage, self.storage + self.readIndex, buffered)
            }
            self.readIndex = 0
            self.writeIndex = buffered
        }
        guard self.capacity - self.writeIndex < count else {
            return
        }

        let newCapacity = max(self.capacity * 2, buffered + count)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: self.storage, count: buffered)
        self.storage.deallocate()
        self.storage = newStorage
        self.capacity = newCapacity
    }

    /// Consumes `count` bytes at the front of the buffer.
    @inline(__always)
    mutating func consume(_ count: Int) {
        self.readIndex += count
        if self.readIndex == self.writeIndex {
            self.readIndex = 0
            self.writeIndex = 0
        }
    }

    /// Returns a large buffer to its initial size once it holds nothing, so idle connections stay small.
    mutating func shrinkIfEmpty() {
        guard self.writeIndex == 0, self.capacity > self.initialCapacity * 16 else {
            return
        }
        self.storage.deallocate()
        self.storage = .allocate(capacity: self.initialCapacity)
        self.capacity = self.initialCapacity
    }

    /// Hands out the finished request and resets for the next one.
    mutating func complete(body: [UInt8]) -> Step {
        guard let head = self.pending.take() else {
            preconditionFailure("a request body ended without a parsed head")
        }
        self.state = .head
        self.shrinkIfEmpty()

        let request = HTTPRequest(
            method: head.method,
            target: head.target,
            version: head.version,
            headers: head.headers,
            body: body,
            bodyFraming: head.framing,
            keepAlive: head.keepAlive
        )
        return .result(.request(request))
    }

    /// Waits for a body of known length, then copies it out in one piece.
    mutating func parseFixedBody(length: Int) -> Step {
        guard self.bufferedByteCount >= length else {
            return .result(.needMoreData)
        }

        let body = [UInt8](UnsafeBufferPointer(start: self.storage + self.readIndex, count: length))
        self.consume(length)
        return self.complete(body: body)
    }

    /// Finds the next LF at or after `lineSearchOffset`, for chunk-size and trailer lines.
    ///
    /// - Returns: the offset of the LF relative to `readIndex`, or nil after remembering how far it looked.
    mutating func findLineFeed() -> Int? {
        let searched = self.lineSearchOffset
        let remaining = self.bufferedByteCount - searched
        guard remaining > 0, let found = memchr(self.storage + self.readIndex + searched, 0x0A, remaining) else {
            self.lineSearchOffset = self.bufferedByteCount
            return nil
        }
        return UnsafeMutableRawPointer(self.storage + self.readIndex).distance(to: found)
    }

    /// The byte at `offset` from `readIndex`.
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        self.storage[self.readIndex + offset]
    }
}
