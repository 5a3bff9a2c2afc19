/// Why a request was refused before it reached the application; each case knows its status and error code.
public enum HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Malformed request line, header field, version, body framing or chunk (400).
    case badRequest(String)
    /// The request line is longer than the configured limit (414).
    case uriTooLong
    /// The header block is larger than the configured limit (431).
    case headerFieldsTooLarge
    /// The declared or received body is larger than the configured limit (413).
    case payloadTooLarge
    /// A transfer coding other than `chunked` (501).
    case notImplemented(String)
    /// A well-formed HTTP version other than 1.0 and 1.1 (505).
    case versionNotSupported

    /// The status code to answer with.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .uriTooLong: 414
        case .headerFieldsTooLarge: 431
        case .payloadTooLarge: 413
        case .notImplemented: 501
        case .versionNotSupported: 505
        }
    }

    /// The `error` member of the JSON error body.
    public var code: String {
        switch self {
        case .badRequest: "bad_request"
        case .uriTooLong: "uri_too_long"
        case .headerFieldsTooLarge: "request_header_fields_too_large"
        case .payloadTooLarge: "payload_too_large"
        case .notImplemented: "not_implemented"
        case .versionNotSupported: "http_version_not_supported"
        }
    }

    /// The `message` member of the JSON error body, meant for a person.
    public var message: String {
        switch self {
        case .badRequest(let reason): "Malformed request: \(reason)."
        case .uriTooLong: "The request line is too long."
        case .headerFieldsTooLarge: "The request header fields are too large."
        case .payloadTooLarge: "The request body is too large."
        case .notImplemented(let reason): "Not implemented: \(reason)."
        case .versionNotSupported: "Only HTTP/1.0 and HTTP/1.1 are supported."
        }
    }

    /// Status, code and message on one line.
    public var description: String {
        "\(self.status) \(self.code): \(self.message)"
    }
}
