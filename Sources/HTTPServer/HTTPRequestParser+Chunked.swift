extension HTTPRequestParser {
    /// Parses `chunk-size [ chunk-ext ] CRLF`; extensions are checked for stray control characters and ignored.
    mutating func parseChunkSize() -> Step {
        guard let lineFeed = self.findLineFeed() else {
            if self.bufferedByteCount > Self.maxChunkLineBytes {
                return .failure(.badRequest("chunk size line too long"))
            }
            return .result(.needMoreData)
        }
        guard lineFeed > 0, self.byte(at: lineFeed - 1) == HTTPSyntax.cr else {
            return .failure(.badRequest("line ends without CR"))
        }
        let end = lineFeed - 1
        guard end <= Self.maxChunkLineBytes else {
            return .failure(.badRequest("chunk size line too long"))
        }

        var index = 0
        var size = 0
        var oversized = false
        while index < end, let digit = HTTPSyntax.hexValue(self.byte(at: index)) {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            if overflow || shifted > Int.max - digit {
                oversized = true
            } else {
                size = shifted + digit
            }
            index += 1
        }
        guard index > 0, self.isValidChunkExtension(from: index, to: end) else {
            return .failure(.badRequest("invalid chunk size"))
        }

        self.consume(lineFeed + 1)
        self.lineSearchOffset = 0
        guard size > 0 else {
            self.state = .trailers
            return .proceed
        }
        guard !oversized, size <= self.maxBodyBytes - self.chunkedBody.count else {
            return .failure(.payloadTooLarge)
        }
        self.state = .chunkData(remaining: size)
        return .proceed
    }

    /// Copies as much of the current chunk as has arrived into the body.
    mutating func parseChunkData(remaining: Int) -> Step {
        let available = min(self.bufferedByteCount, remaining)
        guard available > 0 else {
            return .result(.needMoreData)
        }

        self.chunkedBody.append(contentsOf: UnsafeBufferPointer(start: self.storage + self.readIndex, count: available))
        self.consume(available)
        if available == remaining {
            self.state = .chunkDataEnd
            return .proceed
        }
        self.state = .chunkData(remaining: remaining - available)
        return .result(.needMoreData)
    }

    /// Expects the CRLF that closes each chunk's data.
    mutating func parseChunkDataEnd() -> Step {
        if self.bufferedByteCount >= 1 && self.byte(at: 0) != HTTPSyntax.cr {
            return .failure(.badRequest("chunk data not followed by CRLF"))
        }
        guard self.bufferedByteCount >= 2 else {
            return .result(.needMoreData)
        }
        guard self.byte(at: 1) == HTTPSyntax.lf else {
            return .failure(.badRequest("chunk data not followed by CRLF"))
        }

        self.consume(2)
        self.state = .chunkSize
        self.lineSearchOffset = 0
        return .proceed
    }

    /// Reads trailer fields, which are validated and dropped, up to the empty line that ends the message.
    mutating func parseTrailers() -> Step {
        guard let lineFeed = self.findLineFeed() else {
            if self.trailerBytes + self.bufferedByteCount > self.maxHeaderBytes {
                return .failure(.headerFieldsTooLarge)
            }
            return .result(.needMoreData)
        }
        guard lineFeed > 0, self.byte(at: lineFeed - 1) == HTTPSyntax.cr else {
            return .failure(.badRequest("line ends without CR"))
        }
        self.trailerBytes += lineFeed + 1
        guard self.trailerBytes <= self.maxHeaderBytes else {
            return .failure(.headerFieldsTooLarge)
        }

        let end = lineFeed - 1
        guard end == 0 || self.isValidTrailerLine(end: end) else {
            return .failure(.badRequest("invalid trailer field"))
        }
        self.consume(lineFeed + 1)
        self.lineSearchOffset = 0
        guard end == 0 else {
            return .proceed
        }

        var body: [UInt8] = []
        swap(&body, &self.chunkedBody)
        return self.complete(body: body)
    }

    /// Whether `start..<end` is empty or `BWS ";" ...` without control characters.
    private func isValidChunkExtension(from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end && HTTPSyntax.isWhitespace(self.byte(at: index)) {
            index += 1
        }
        guard index < end else {
            return index == start
        }
        guard self.byte(at: index) == HTTPSyntax.semicolon else {
            return false
        }

        for offset in (index + 1)..<end where !HTTPSyntax.isFieldValueByte(self.byte(at: offset)) {
            return false
        }
        return true
    }

    /// Whether the line `0..<end` is `token ":" field-value`.
    private func isValidTrailerLine(end: Int) -> Bool {
        var index = 0
        while index < end && HTTPSyntax.isTokenByte(self.byte(at: index)) {
            index += 1
        }
        guard index > 0, index < end, self.byte(at: index) == HTTPSyntax.colon else {
            return false
        }

        for offset in (index + 1)..<end where !HTTPSyntax.isFieldValueByte(self.byte(at: offset)) {
            return false
        }
        return true
    }
}
