import Glibc

extension HTTPRequestParser {
    /// What has been learned so far about the head being scanned. Offsets are relative to `readIndex`.
    struct HeadScan {
        /// Where the line being scanned starts.
        var lineStart = 0
        /// How far the buffer has been searched for the LF ending that line.
        var searchOffset = 0
        /// Where the field lines start, or nil while the request line is still being read.
        var fieldsStart: Int?
        /// The method from the request line.
        var method = ""
        /// The request-target from the request line.
        var target = ""
        /// The version from the request line.
        var version = HTTPVersion.http1_1
        /// Field positions relative to `fieldsStart`; reused from one request to the next.
        var fields: [HTTPHeaders.Field] = []
        /// The value of `Content-Length` (saturated at `Int.max`), if sent.
        var contentLength: Int?
        /// Whether any `Transfer-Encoding` field was sent.
        var transferEncodingSeen = false
        /// How many times `chunked` appears among the transfer codings.
        var chunkedCount = 0
        /// Whether `chunked` is the last transfer coding.
        var chunkedIsLast = false
        /// The first transfer coding other than `chunked`.
        var unsupportedCoding: String?
        /// `Connection: close` was sent.
        var connectionClose = false
        /// `Connection: keep-alive` was sent.
        var connectionKeepAlive = false
        /// `Expect: 100-continue` was sent.
        var expectContinue = false
        /// How many `Host` fields were sent.
        var hostCount = 0

        /// Forgets the previous request while keeping the capacity of `fields`.
        mutating func reset() {
            var fields = self.fields
            self.fields = []
            fields.removeAll(keepingCapacity: true)
            self = HeadScan()
            self.fields = fields
        }
    }

    /// A complete, validated head waiting for its body.
    struct PendingHead {
        /// The method from the request line.
        var method: String
        /// The request-target from the request line.
        var target: String
        /// The version from the request line.
        var version: HTTPVersion
        /// The header fields, copied out of the read buffer.
        var headers: HTTPHeaders
        /// How the body is framed.
        var framing: HTTPBodyFraming
        /// Whether the client allows keeping the connection.
        var keepAlive: Bool
    }

    /// Scans line by line for the end of the head, validating each line as it is found.
    mutating func parseHead() -> Step {
        while true {
            if self.head.fieldsStart == nil && self.head.lineStart == 0 {
                // An empty line before the request line is tolerated (RFC 9112 section 2.2).
                let buffered = self.bufferedByteCount
                if buffered >= 2 && self.byte(at: 0) == HTTPSyntax.cr && self.byte(at: 1) == HTTPSyntax.lf {
                    self.consume(2)
                    continue
                }
                if buffered >= 1 && self.byte(at: 0) == HTTPSyntax.lf {
                    return .failure(.badRequest("line ends without CR"))
                }
            }

            guard let lineFeed = self.findHeadLineFeed() else {
                return self.checkIncompleteHead()
            }
            guard lineFeed > self.head.lineStart, self.byte(at: lineFeed - 1) == HTTPSyntax.cr else {
                return .failure(.badRequest("line ends without CR"))
            }
            let lineStart = self.head.lineStart
            let lineEnd = lineFeed - 1
            let nextLine = lineFeed + 1

            if let fieldsStart = self.head.fieldsStart {
                guard nextLine - fieldsStart <= self.maxHeaderBytes else {
                    return .failure(.headerFieldsTooLarge)
                }
                if lineEnd == lineStart {
                    return self.finishHead(fieldsStart: fieldsStart, fieldsEnd: lineStart, headEnd: nextLine)
                }
                if let error = self.parseFieldLine(from: lineStart, to: lineEnd, fieldsStart: fieldsStart) {
                    return .failure(error)
                }
            } else {
                guard lineEnd - lineStart <= self.maxRequestLineBytes else {
                    return .failure(.uriTooLong)
                }
                if let error = self.parseRequestLine(from: lineStart, to: lineEnd) {
                    return .failure(error)
                }
                self.head.fieldsStart = nextLine
            }
            self.head.lineStart = nextLine
            self.head.searchOffset = nextLine
        }
    }

    private mutating func findHeadLineFeed() -> Int? {
        let searched = self.head.searchOffset
        let remaining = self.bufferedByteCount - searched
        guard remaining > 0, let found = memchr(self.storage + self.readIndex + searched, 0x0A, remaining) else {
            self.head.searchOffset = self.bufferedByteCount
            return nil
        }
        return UnsafeMutableRawPointer(self.storage + self.readIndex).distance(to: found)
    }

    /// Applies the size limits to a line that has no LF yet.
    private func checkIncompleteHead() -> Step {
        if let fieldsStart = self.head.fieldsStart {
            if self.bufferedByteCount - fieldsStart > self.maxHeaderBytes {
                return .failure(.headerFieldsTooLarge)
            }
        } else if self.bufferedByteCount - self.head.lineStart > self.maxRequestLineBytes + 1 {
            // The line cannot end within the limit any more: the CR alone would still fit.
            return .failure(.uriTooLong)
        }
        return .result(.needMoreData)
    }

    /// Parses `method SP request-target SP HTTP-version`.
    private mutating func parseRequestLine(from start: Int, to end: Int) -> HTTPParseError? {
        var index = start
        while index < end && HTTPSyntax.isTokenByte(self.byte(at: index)) {
            index += 1
        }
        guard index > start, index < end, self.byte(at: index) == HTTPSyntax.space else {
            return .badRequest("invalid method")
        }
        let methodEnd = index

        index += 1
        let targetStart = index
        while index < end && HTTPSyntax.isTargetByte(self.byte(at: index)) {
            index += 1
        }
        guard index > targetStart, index < end, self.byte(at: index) == HTTPSyntax.space else {
            return .badRequest("invalid request target")
        }
        let targetEnd = index

        switch self.parseVersion(from: index + 1, to: end) {
        case .success(let version):
            self.head.version = version
        case .failure(let error):
            return error
        }
        self.head.method = self.string(from: start, to: methodEnd)
        self.head.target = self.string(from: targetStart, to: targetEnd)
        return nil
    }

    /// Parses `HTTP/DIGIT.DIGIT`; other well-formed versions (`HTTP/2.0`, `HTTP/3`) are 505, the rest 400.
    private func parseVersion(from start: Int, to end: Int) -> Result<HTTPVersion, HTTPParseError> {
        let prefix: StaticString = "HTTP/"
        guard end - start > prefix.utf8CodeUnitCount, self.matches(start, end: start + 5, prefix, caseSensitive: true)
        else {
            return .failure(.badRequest("invalid HTTP version"))
        }

        var index = start + 5
        let majorStart = index
        while index < end && index - majorStart < 3 && self.isDigit(at: index) {
            index += 1
        }
        let majorEnd = index
        var minorStart = index
        if index < end && self.byte(at: index) == UInt8(ascii: ".") {
            index += 1
            minorStart = index
            while index < end && index - minorStart < 3 && self.isDigit(at: index) {
                index += 1
            }
            guard index > minorStart else {
                return .failure(.badRequest("invalid HTTP version"))
            }
        }
        guard majorEnd > majorStart, index == end else {
            return .failure(.badRequest("invalid HTTP version"))
        }

        let isOne = majorEnd - majorStart == 1 && self.byte(at: majorStart) == UInt8(ascii: "1")
        if isOne && index - minorStart == 1 && minorStart > majorEnd {
            switch self.byte(at: minorStart) {
            case UInt8(ascii: "1"): return .success(.http1_1)
            case UInt8(ascii: "0"): return .success(.http1_0)
            default: break
            }
        }
        return .failure(.versionNotSupported)
    }

    /// Parses `field-name ":" OWS field-value OWS`, records it and interprets the fields that frame the message.
    private mutating func parseFieldLine(from start: Int, to end: Int, fieldsStart: Int) -> HTTPParseError? {
        if HTTPSyntax.isWhitespace(self.byte(at: start)) {
            return .badRequest("obsolete line folding")
        }

        var index = start
        while index < end && HTTPSyntax.isTokenByte(self.byte(at: index)) {
            index += 1
        }
        guard index > start, index < end, self.byte(at: index) == HTTPSyntax.colon else {
            return .badRequest("invalid header field name")
        }
        let nameEnd = index

        var valueStart = index + 1
        while valueStart < end && HTTPSyntax.isWhitespace(self.byte(at: valueStart)) {
            valueStart += 1
        }
        var valueEnd = end
        while valueEnd > valueStart && HTTPSyntax.isWhitespace(self.byte(at: valueEnd - 1)) {
            valueEnd -= 1
        }
        var offset = valueStart
        while offset < valueEnd {
            guard HTTPSyntax.isFieldValueByte(self.byte(at: offset)) else {
                return .badRequest("invalid character in header field value")
            }
            offset += 1
        }

        self.head.fields.append(
            HTTPHeaders.Field(
                nameStart: Int32(start - fieldsStart),
                nameEnd: Int32(nameEnd - fieldsStart),
                valueStart: Int32(valueStart - fieldsStart),
                valueEnd: Int32(valueEnd - fieldsStart)
            )
        )
        return self.interpretField(nameStart: start, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd)
    }

    /// Notes the fields that decide framing and connection handling.
    private mutating func interpretField(
        nameStart: Int,
        nameEnd: Int,
        valueStart: Int,
        valueEnd: Int
    ) -> HTTPParseError? {
        switch nameEnd - nameStart {
        case 4 where self.matches(nameStart, end: nameEnd, "host"):
            self.head.hostCount += 1
        case 6 where self.matches(nameStart, end: nameEnd, "expect"):
            if self.matches(valueStart, end: valueEnd, "100-continue") {
                self.head.expectContinue = true
            }
        case 10 where self.matches(nameStart, end: nameEnd, "connection"):
            self.forEachListElement(from: valueStart, to: valueEnd) { parser, start, end in
                if parser.matches(start, end: end, "close") {
                    parser.head.connectionClose = true
                } else if parser.matches(start, end: end, "keep-alive") {
                    parser.head.connectionKeepAlive = true
                }
            }
        case 14 where self.matches(nameStart, end: nameEnd, "content-length"):
            return self.interpretContentLength(from: valueStart, to: valueEnd)
        case 17 where self.matches(nameStart, end: nameEnd, "transfer-encoding"):
            return self.interpretTransferEncoding(from: valueStart, to: valueEnd)
        default:
            break
        }
        return nil
    }

    private mutating func interpretContentLength(from start: Int, to end: Int) -> HTTPParseError? {
        guard end > start else {
            return .badRequest("invalid Content-Length")
        }

        var value = 0
        for offset in start..<end {
            guard self.isDigit(at: offset) else {
                return .badRequest("invalid Content-Length")
            }
            // Past 18 digits the length is certainly over any limit; saturate instead of overflowing.
            value = value > (Int.max - 9) / 10 ? Int.max : value * 10 + Int(self.byte(at: offset) - UInt8(ascii: "0"))
        }

        if let previous = self.head.contentLength, previous != value {
            return .badRequest("conflicting Content-Length fields")
        }
        self.head.contentLength = value
        return nil
    }

    private mutating func interpretTransferEncoding(from start: Int, to end: Int) -> HTTPParseError? {
        self.head.transferEncodingSeen = true
        var elements = 0
        var invalid = false
        self.forEachListElement(from: start, to: end) { parser, start, end in
            elements += 1

            // A coding may carry parameters after ';'; only its name matters here.
            var nameEnd = start
            while nameEnd < end && HTTPSyntax.isTokenByte(parser.byte(at: nameEnd)) {
                nameEnd += 1
            }
            var rest = nameEnd
            while rest < end && HTTPSyntax.isWhitespace(parser.byte(at: rest)) {
                rest += 1
            }
            guard nameEnd > start, rest == end || parser.byte(at: rest) == HTTPSyntax.semicolon else {
                invalid = true
                return
            }

            if parser.matches(start, end: nameEnd, "chunked") {
                parser.head.chunkedCount += 1
                parser.head.chunkedIsLast = true
            } else {
                parser.head.chunkedIsLast = false
                if parser.head.unsupportedCoding == nil {
                    parser.head.unsupportedCoding = parser.string(from: start, to: nameEnd)
                }
            }
        }

        guard elements > 0, !invalid else {
            return .badRequest("invalid Transfer-Encoding")
        }
        return nil
    }

    /// Checks the head as a whole, copies it out and chooses how to read the body.
    private mutating func finishHead(fieldsStart: Int, fieldsEnd: Int, headEnd: Int) -> Step {
        if let error = self.validateFraming() {
            return .failure(error)
        }

        let framing: HTTPBodyFraming
        let nextState: State?
        if self.head.transferEncodingSeen {
            framing = .chunked
            nextState = .chunkSize
        } else if let length = self.head.contentLength {
            guard length <= self.maxBodyBytes else {
                return .failure(.payloadTooLarge)
            }
            framing = .contentLength
            nextState = length > 0 ? .fixedBody(length: length) : nil
        } else {
            framing = .none
            nextState = nil
        }

        let keepAlive: Bool
        switch self.head.version {
        case .http1_1: keepAlive = !self.head.connectionClose
        case .http1_0: keepAlive = self.head.connectionKeepAlive && !self.head.connectionClose
        }
        self.pending = PendingHead(
            method: self.head.method,
            target: self.head.target,
            version: self.head.version,
            headers: self.copyHeaders(from: fieldsStart, to: fieldsEnd),
            framing: framing,
            keepAlive: keepAlive
        )
        let expectContinue = self.head.expectContinue && self.head.version == .http1_1
        self.head.reset()
        self.consume(headEnd)

        guard let nextState else {
            return self.complete(body: [])
        }
        self.state = nextState
        self.lineSearchOffset = 0
        self.trailerBytes = 0
        self.chunkedBody = []

        // The client waits for 100 Continue only if it has not started sending the body anyway.
        if expectContinue && self.bufferedByteCount == 0 {
            return .result(.continueRequired)
        }
        return .proceed
    }

    private func validateFraming() -> HTTPParseError? {
        if self.head.transferEncodingSeen {
            if self.head.version == .http1_0 {
                return .badRequest("Transfer-Encoding in an HTTP/1.0 request")
            }
            if self.head.contentLength != nil {
                return .badRequest("both Content-Length and Transfer-Encoding")
            }
            if let coding = self.head.unsupportedCoding {
                return .notImplemented("transfer coding \(coding)")
            }
            if self.head.chunkedCount != 1 || !self.head.chunkedIsLast {
                return .badRequest("chunked must be the last transfer coding, applied once")
            }
        }

        if self.head.hostCount > 1 {
            return .badRequest("more than one Host field")
        }
        if self.head.version == .http1_1 && self.head.hostCount == 0 {
            return .badRequest("missing Host field")
        }
        return nil
    }

    private func copyHeaders(from start: Int, to end: Int) -> HTTPHeaders {
        let count = end - start
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.update(from: self.storage + self.readIndex + start, count: count)
            initialized = count
        }
        let fieldCount = self.head.fields.count
        let fields = [HTTPHeaders.Field](unsafeUninitializedCapacity: fieldCount) { buffer, initialized in
            _ = buffer.initialize(from: self.head.fields)
            initialized = fieldCount
        }
        return HTTPHeaders(storage: bytes, fields: fields)
    }

    /// Calls `body` with the bounds of each non-empty, whitespace-trimmed element of a comma-separated list.
    mutating func forEachListElement(from start: Int, to end: Int, _ body: (inout Self, Int, Int) -> Void) {
        var elementStart = start
        while elementStart <= end {
            var elementEnd = elementStart
            while elementEnd < end && self.byte(at: elementEnd) != HTTPSyntax.comma {
                elementEnd += 1
            }
            let nextElement = elementEnd + 1

            while elementStart < elementEnd && HTTPSyntax.isWhitespace(self.byte(at: elementStart)) {
                elementStart += 1
            }
            while elementEnd > elementStart && HTTPSyntax.isWhitespace(self.byte(at: elementEnd - 1)) {
                elementEnd -= 1
            }
            if elementEnd > elementStart {
                body(&self, elementStart, elementEnd)
            }
            elementStart = nextElement
        }
    }

    /// Whether the bytes `start..<end` equal `literal`, ignoring ASCII case unless `caseSensitive`.
    func matches(_ start: Int, end: Int, _ literal: StaticString, caseSensitive: Bool = false) -> Bool {
        guard end - start == literal.utf8CodeUnitCount else {
            return false
        }

        let expected = literal.utf8Start
        for offset in 0..<(end - start) {
            let actual = self.byte(at: start + offset)
            let wanted = expected[offset]
            if caseSensitive ? actual != wanted : HTTPSyntax.lowercased(actual) != wanted {
                return false
            }
        }
        return true
    }

    /// The bytes `start..<end` as a string.
    func string(from start: Int, to end: Int) -> String {
        let bytes = UnsafeBufferPointer(start: self.storage + self.readIndex + start, count: end - start)
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    func isDigit(at offset: Int) -> Bool {
        let byte = self.byte(at: offset)
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
