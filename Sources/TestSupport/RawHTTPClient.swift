import Glibc

/// A blocking HTTP/1.1 test client on a plain TCP socket, with nothing between the test and the wire.
///
/// It sends exactly the bytes it is given (so tests can send malformed or pipelined requests) and parses responses
/// with `Content-Length`, chunked or close-delimited bodies. Every read has a deadline enforced with `SO_RCVTIMEO`,
/// so a test can never hang on a silent server: it gets `RawHTTPClientError` with `.timedOut` instead. Bytes read
/// past one response are kept for the next `readResponse`.
///
/// NOT THREAD-SAFE: use one client per thread. Connects to loopback only.
public final class RawHTTPClient {
    /// What `readUntilClosed` found.
    public struct Remainder: Sendable {
        /// Bytes that arrived before the end (including any left over from earlier reads).
        public var bytes: [UInt8]
        /// Whether the peer closed the connection (end of stream or reset) before the deadline.
        public var closed: Bool
        /// Whether the close was a reset rather than an orderly end of stream.
        public var wasReset: Bool

        /// The bytes decoded as UTF-8.
        public var text: String {
            String(decoding: self.bytes, as: UTF8.self)
        }
    }

    /// The server port this client is connected to.
    public let port: Int
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65536)

    private init(descriptor: Int32, port: Int) {
        self.descriptor = descriptor
        self.port = port
    }

    deinit {
        self.close()
    }

    /// Connects to `127.0.0.1:port`. BLOCKS until connected.
    ///
    /// - Throws: `RawHTTPClientError` with `.connectFailed`.
    public static func connect(port: Int) throws -> RawHTTPClient {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw RawHTTPClientError(.connectFailed, "socket: \(Self.lastError())")
        }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let message = Self.lastError()
            Glibc.close(descriptor)
            throw RawHTTPClientError(.connectFailed, "connect to port \(port): \(message)")
        }

        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        return RawHTTPClient(descriptor: descriptor, port: port)
    }

    /// Sends one request on a fresh connection, reads the response and closes.
    ///
    /// A `Host` header is added unless `headers` has one, and `Content-Length` when `body` is given.
    ///
    /// - Throws: `RawHTTPClientError`.
    public static func request(
        port: Int,
        method: String = "GET",
        path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(10)
    ) throws -> RawHTTPResponse {
        let client = try RawHTTPClient.connect(port: port)
        defer { client.close() }
        try client.send(Self.requestBytes(method: method, path: path, headers: headers, body: body))
        return try client.readResponse(timeout: timeout, bodyExpected: method != "HEAD")
    }

    /// Serialises an HTTP/1.1 request, adding `Host: 127.0.0.1` unless present and `Content-Length` when `body`
    /// is given and `headers` carry neither `Content-Length` nor `Transfer-Encoding`.
    public static func requestBytes(
        method: String = "GET",
        path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) -> [UInt8] {
        let names = Set(headers.map { $0.0.lowercased() })
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if !names.contains("host") {
            head += "Host: 127.0.0.1\r\n"
        }
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if let body, !names.contains("content-length"), !names.contains("transfer-encoding") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// Sends all of `bytes`. BLOCKS until the kernel took them (at most 10 seconds).
    ///
    /// - Throws: `RawHTTPClientError` with `.sendFailed` or `.timedOut`.
    public func send(_ bytes: [UInt8]) throws {
        try self.setTimeout(SO_SNDTIMEO, .seconds(10))
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                Glibc.send(self.descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                let code = errno
                if code == EINTR {
                    continue
                }
                if code == EAGAIN || code == EWOULDBLOCK {
                    throw RawHTTPClientError(.timedOut, "send did not complete in time")
                }
                throw RawHTTPClientError(.sendFailed, "send: \(Self.describe(code))")
            }
            offset += sent
        }
    }

    /// Sends `text` as UTF-8 bytes, exactly as written (write `\r\n` yourself).
    ///
    /// - Throws: `RawHTTPClientError` with `.sendFailed` or `.timedOut`.
    public func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    /// Reads one complete response. BLOCKS until it has arrived or `timeout` has passed.
    ///
    /// Interim responses (`100 Continue`) are returned like any other, so call again for the final one.
    ///
    /// - Parameters:
    ///   - timeout: the deadline for the whole response.
    ///   - bodyExpected: pass false for the answer to a `HEAD` request, whose `Content-Length` has no body behind it.
    /// - Throws: `RawHTTPClientError` with `.timedOut`, `.closedBeforeResponse`, `.receiveFailed` or
    ///   `.malformedResponse`.
    public func readResponse(timeout: Duration = .seconds(10), bodyExpected: Bool = true) throws -> RawHTTPResponse {
        let deadline = ContinuousClock.now + timeout
        let headEnd = try self.readHead(deadline: deadline)
        var response = try Self.parseHead(Array(self.buffer[..<headEnd]))
        self.buffer.removeFirst(headEnd + 4)

        let hasBody = bodyExpected && response.status >= 200 && response.status != 204 && response.status != 304
        guard hasBody else {
            return response
        }

        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            response.body = try self.readChunkedBody(deadline: deadline)
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw RawHTTPClientError(.malformedResponse, "invalid Content-Length \(lengthText)")
            }
            try self.fill(upTo: length, deadline: deadline)
            response.body = Array(self.buffer[..<length])
            self.buffer.removeFirst(length)
        } else {
            response.body = try self.readUntilClosed(timeout: deadline - ContinuousClock.now).bytes
        }
        return response
    }

    /// Reads until the peer closes or `timeout` passes. BLOCKS.
    ///
    /// - Returns: every byte not consumed yet and whether, and how, the connection closed.
    /// - Throws: `RawHTTPClientError` with `.receiveFailed` for errors other than a reset.
    public func readUntilClosed(timeout: Duration = .seconds(10)) throws -> Remainder {
        let deadline = ContinuousClock.now + timeout
        var closed = false
        var wasReset = false
        while true {
            do {
                if try self.receive(deadline: deadline) == 0 {
                    closed = true
                    break
                }
            } catch let error as RawHTTPClientError where error.kind == .timedOut {
                break
            } catch let error as RawHTTPClientError where error.kind == .receiveFailed {
                closed = true
                wasReset = true
                break
            }
        }

        let bytes = self.buffer
        self.buffer.removeAll()
        return Remainder(bytes: bytes, closed: closed, wasReset: wasReset)
    }

    /// Shuts down the sending side; the server reads end-of-stream while the client can still read.
    public func shutdownWrite() {
        guard self.descriptor >= 0 else {
            return
        }
        _ = Glibc.shutdown(self.descriptor, Int32(SHUT_WR))
    }

    /// Closes the connection with a reset (`SO_LINGER` of zero) instead of an orderly close.
    public func reset() {
        guard self.descriptor >= 0 else {
            return
        }
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(self.descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        self.close()
    }

    /// Closes the connection; later calls do nothing.
    public func close() {
        guard self.descriptor >= 0 else {
            return
        }
        Glibc.close(self.descriptor)
        self.descriptor = -1
    }

    /// Reads until the buffer holds a blank line; returns the offset of its CRLFCRLF.
    private func readHead(deadline: ContinuousClock.Instant) throws -> Int {
        var searchFrom = 0
        while true {
            if let end = Self.find([13, 10, 13, 10], in: self.buffer, from: searchFrom) {
                return end
            }
            searchFrom = max(0, self.buffer.count - 3)
            if try self.receive(deadline: deadline) == 0 {
                throw RawHTTPClientError(.closedBeforeResponse, "connection closed after \(self.buffer.count) bytes")
            }
        }
    }

    private func readChunkedBody(deadline: ContinuousClock.Instant) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try self.readLine(deadline: deadline)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(), radix: 16), size >= 0 else {
                throw RawHTTPClientError(.malformedResponse, "invalid chunk size line \(line)")
            }
            if size == 0 {
                while try !self.readLine(deadline: deadline).isEmpty {}
                return body
            }

            try self.fill(upTo: size + 2, deadline: deadline)
            body.append(contentsOf: self.buffer[..<size])
            self.buffer.removeFirst(size + 2)
        }
    }

    private func readLine(deadline: ContinuousClock.Instant) throws -> String {
        while true {
            if let end = Self.find([13, 10], in: self.buffer, from: 0) {
                let line = String(decoding: self.buffer[..<end], as: UTF8.self)
                self.buffer.removeFirst(end + 2)
                return line
            }
            if try self.receive(deadline: deadline) == 0 {
                throw RawHTTPClientError(.closedBeforeResponse, "connection closed inside a chunked body")
            }
        }
    }

    private func fill(upTo count: Int, deadline: ContinuousClock.Instant) throws {
        while self.buffer.count < count {
            if try self.receive(deadline: deadline) == 0 {
                throw RawHTTPClientError(.closedBeforeResponse, "connection closed inside a body")
            }
        }
    }

    /// One `recv` into the buffer; returns the byte count, 0 at end of stream.
    private func receive(deadline: ContinuousClock.Instant) throws -> Int {
        guard self.descriptor >= 0 else {
            throw RawHTTPClientError(.receiveFailed, "the client is closed")
        }

        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw RawHTTPClientError(.timedOut, "no complete response before the deadline")
            }
            try self.setTimeout(SO_RCVTIMEO, remaining)

            let descriptor = self.descriptor
            let count = self.chunk.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 {
                self.buffer.append(contentsOf: self.chunk[..<count])
                return count
            }

            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                throw RawHTTPClientError(.timedOut, "no complete response before the deadline")
            default:
                throw RawHTTPClientError(.receiveFailed, "recv: \(Self.describe(code))")
            }
        }
    }

    private func setTimeout(_ option: Int32, _ duration: Duration) throws {
        let (seconds, attoseconds) = duration.components
        var value = timeval(tv_sec: Int(max(seconds, 0)), tv_usec: Int(attoseconds / 1_000_000_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 {
            // Zero would mean "no timeout at all".
            value.tv_usec = 1
        }
        let result = setsockopt(self.descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
        guard result == 0 else {
            throw RawHTTPClientError(.receiveFailed, "setsockopt: \(Self.lastError())")
        }
    }

    private static func parseHead(_ bytes: [UInt8]) throws -> RawHTTPResponse {
        // "\r\n" is a single Character in Swift, so splitting on it splits lines.
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw RawHTTPClientError(.malformedResponse, "invalid status line \(lines[0])")
        }

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw RawHTTPClientError(.malformedResponse, "invalid header line \(line)")
            }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingCharacters()
            headers.append((name, value))
        }
        let reason = statusParts.count > 2 ? String(statusParts[2]) : ""
        return RawHTTPResponse(
            version: String(statusParts[0]),
            status: status,
            reason: reason,
            headers: headers,
            body: []
        )
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else {
            return nil
        }
        for index in start...(bytes.count - pattern.count)
        where bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
            return index
        }
        return nil
    }

    private static func lastError() -> String {
        self.describe(errno)
    }

    private static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingCharacters() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" {
            scalars.removeLast()
        }
        return String(scalars)
    }
}
