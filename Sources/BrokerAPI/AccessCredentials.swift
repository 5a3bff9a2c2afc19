import HTTPServer

/// What the `Authorization` field of a request presents.
enum AccessCredentials: Equatable {
    /// No `Authorization` field.
    case missing
    /// A field that carries no bearer token: another scheme, `Bearer` alone, or several fields.
    case malformed(reason: String, isBearer: Bool)
    /// The token after `Bearer` (the scheme in any case), as sent.
    case bearer(Substring)

    /// Reads the `Authorization` field of `headers`. It works on the UTF-8 bytes, since it runs on
    /// every request.
    init(_ headers: HTTPHeaders) {
        let values = headers.values(for: "Authorization")
        guard let value = values.first else {
            self = .missing
            return
        }
        guard values.count == 1 else {
            self = .malformed(reason: "send one Authorization field, not \(values.count)", isBearer: true)
            return
        }

        let bytes = value.utf8
        let start = bytes.firstIndex { !Self.isBlank($0) } ?? bytes.endIndex
        let schemeEnd = bytes[start...].firstIndex(where: Self.isBlank) ?? bytes.endIndex
        guard Self.isBearer(bytes[start..<schemeEnd]) else {
            self = .malformed(reason: "the Authorization field must use the Bearer scheme", isBearer: false)
            return
        }
        let tokenStart = bytes[schemeEnd...].firstIndex { !Self.isBlank($0) } ?? bytes.endIndex
        guard let last = bytes[tokenStart...].lastIndex(where: { !Self.isBlank($0) }) else {
            self = .malformed(reason: "the Authorization field has no token after Bearer", isBearer: true)
            return
        }
        self = .bearer(value[tokenStart..<bytes.index(after: last)])
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static let bearer = Array("bearer".utf8)

    /// Whether `scheme` is `Bearer` in any case.
    private static func isBearer(_ scheme: Substring.UTF8View) -> Bool {
        var matched = 0
        for byte in scheme {
            guard matched < self.bearer.count, byte | 0x20 == self.bearer[matched] else {
                return false
            }
            matched += 1
        }
        return matched == self.bearer.count
    }
}
