/// Why a text is not acceptable JSON, and where the problem starts.
public struct JSONParseError: Error, Sendable, Equatable {
    /// What is wrong, for a person.
    public var message: String
    /// The byte offset at which the problem was found.
    public var offset: Int
}

/// A strict RFC 8259 parser producing ``JSONValue``.
///
/// Nesting is limited so that hostile input cannot exhaust the stack, duplicate member names are
/// rejected because they make a document ambiguous, and strings must be valid UTF-8.
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    /// Parses `bytes` as one JSON text, with only white space around it.
    ///
    /// - Throws: ``JSONParseError`` naming the first problem and its offset.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            var parser = Cursor(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.isAtEnd else {
                throw parser.error("unexpected data after the JSON value")
            }
            return value
        }
    }

    /// Parses the UTF-8 of `text` as one JSON text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try self.parse(Array(text.utf8))
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool {
        self.index >= self.bytes.count
    }

    func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: self.index)
    }

    mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard !self.isAtEnd else {
            throw self.error("unexpected end of input")
        }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return .object(try self.parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try self.parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard self.bytes.count - self.index >= count else {
            throw self.error("invalid literal")
        }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw self.error("invalid literal")
        }
        self.index += count
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= JSONParser.maximumDepth else {
            throw self.error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        self.index += 1
        var members: [JSONObject.Member] = []
        var seen = Set<String>()
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "}")) {
            return JSONObject(members)
        }

        while true {
            self.skipWhitespace()
            guard !self.isAtEnd, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected a member name in double quotes")
            }
            let key = try self.parseString()
            guard seen.insert(key).inserted else {
                throw self.error("duplicate member name \"\(key)\"")
            }

            self.skipWhitespace()
            guard self.consume(UInt8(ascii: ":")) else {
                throw self.error("expected ':' after a member name")
            }
            self.skipWhitespace()
            members.append(JSONObject.Member(key: key, value: try self.parseValue(depth: depth)))

            self.skipWhitespace()
            if self.consume(UInt8(ascii: ",")) {
                continue
            }
            guard self.consume(UInt8(ascii: "}")) else {
                throw self.error("expected ',' or '}' in an object")
            }
            return JSONObject(members)
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= JSONParser.maximumDepth else {
            throw self.error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        self.index += 1
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "]")) {
            return elements
        }

        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue(depth: depth))
            self.skipWhitespace()
            if self.consume(UInt8(ascii: ",")) {
                continue
            }
            guard self.consume(UInt8(ascii: "]")) else {
                throw self.error("expected ',' or ']' in an array")
            }
            return elements
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard !self.isAtEnd, self.bytes[self.index] == byte else {
            return false
        }
        self.index += 1
        return true
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = self.index
        var isInteger = true
        _ = self.consume(UInt8(ascii: "-"))

        // RFC 8259 forbids leading zeros, so "0" stands alone before a fraction or exponent.
        guard !self.isAtEnd, self.isDigit(self.bytes[self.index]) else {
            throw self.error("invalid number")
        }
        if self.bytes[self.index] == UInt8(ascii: "0") {
            self.index += 1
        } else {
            self.skipDigits()
        }
        if self.consume(UInt8(ascii: ".")) {
            isInteger = false
            guard self.skipDigits() > 0 else {
                throw self.error("invalid number: digits expected after '.'")
            }
        }
        if self.consume(UInt8(ascii: "e")) || self.consume(UInt8(ascii: "E")) {
            isInteger = false
            _ = self.consume(UInt8(ascii: "+")) || self.consume(UInt8(ascii: "-"))
            guard self.skipDigits() > 0 else {
                throw self.error("invalid number: digits expected in the exponent")
            }
        }

        let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
        if isInteger, let value = Int64(text) {
            return .int(value)
        }
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(message: "number out of range", offset: start)
        }
        return .double(value)
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @discardableResult
    mutating func skipDigits() -> Int {
        let start = self.index
        while !self.isAtEnd, self.isDigit(self.bytes[self.index]) {
            self.index += 1
        }
        return self.index - start
    }

    mutating func parseString() throws(JSONParseError) -> String {
        self.index += 1
        let start = self.index

        // Most strings hold no escapes: scan once and decode the slice directly.
        while !self.isAtEnd {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                return try self.decodeUTF8(slice, at: start)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 {
                break
            }
            self.index += 1
        }
        return try self.parseEscapedString(from: start)
    }

    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var utf8 = Array(UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]))
        while !self.isAtEnd {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try utf8.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> String in
                    try self.decodeUTF8(buffer, at: start)
                }
            case UInt8(ascii: "\\"):
                try self.appendEscape(to: &utf8)
            case 0..<0x20:
                throw self.error("control character in a string")
            default:
                utf8.append(byte)
            }
        }
        throw self.error("unterminated string")
    }

    mutating func appendEscape(to utf8: inout [UInt8]) throws(JSONParseError) {
        guard !self.isAtEnd else {
            throw self.error("unterminated escape")
        }
        let escape = self.bytes[self.index]
        self.index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"): utf8.append(contentsOf: try self.parseUnicodeEscape())
        default: throw self.error("invalid escape")
        }
    }

    mutating func parseUnicodeEscape() throws(JSONParseError) -> [UInt8] {
        let first = try self.parseHex4()
        var scalarValue = first
        if (0xD800...0xDBFF).contains(first) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard self.consume(UInt8(ascii: "\\")), self.consume(UInt8(ascii: "u")) else {
                throw self.error("unpaired surrogate in a \\u escape")
            }
            let second = try self.parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw self.error("unpaired surrogate in a \\u escape")
            }
            scalarValue = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw self.error("unpaired surrogate in a \\u escape")
        }
        return Array(String(Character(scalar)).utf8)
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard self.bytes.count - self.index >= 4 else {
            throw self.error("invalid \\u escape")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    func decodeUTF8(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> String {
        guard let text = String(validating: buffer, as: UTF8.self) else {
            throw JSONParseError(message: "invalid UTF-8 in a string", offset: offset)
        }
        return text
    }
}
