/// One complete request: head and body, the body already de-chunked.
public struct HTTPRequest: Sendable {
    /// The method exactly as sent (`GET`, `HEAD`, `POST`, ...); methods are case-sensitive.
    public var method: String
    /// The raw request-target, for example `/pools/a/sessions?limit=10`; nothing is decoded.
    public var target: String
    /// The version from the request line.
    public var version: HTTPVersion
    /// The header fields in the order they arrived.
    public var headers: HTTPHeaders
    /// The body bytes; empty when no body was sent.
    public var body: [UInt8]
    /// How the body length was conveyed; `.none` lets an application that needs a body answer 411.
    public var bodyFraming: HTTPBodyFraming
    /// Whether the client expects the connection to stay open after this exchange, from the version and
    /// the `Connection` field.
    public var keepAlive: Bool

    /// Creates a request, for instance to drive a handler in a test without a socket.
    ///
    /// - Parameters:
    ///   - bodyFraming: `nil` means `.contentLength` when `body` is not empty and `.none` otherwise.
    ///   - keepAlive: `nil` derives it from `version` and the `Connection` field of `headers`.
    public init(
        method: String,
        target: String,
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        bodyFraming: HTTPBodyFraming? = nil,
        keepAlive: Bool? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.bodyFraming = bodyFraming ?? (body.isEmpty ? .none : .contentLength)
        self.keepAlive = keepAlive ?? Self.defaultKeepAlive(version: version, headers: headers)
    }

    /// The part of `target` before the first `?`, not percent-decoded.
    public var path: Substring {
        guard let mark = self.target.utf8.firstIndex(of: UInt8(ascii: "?")) else {
            return self.target[...]
        }
        return self.target[..<mark]
    }

    /// The part of `target` after the first `?`, or nil when there is no `?`.
    public var query: Substring? {
        guard let mark = self.target.utf8.firstIndex(of: UInt8(ascii: "?")) else {
            return nil
        }
        return self.target[self.target.utf8.index(after: mark)...]
    }

    private static func defaultKeepAlive(version: HTTPVersion, headers: HTTPHeaders) -> Bool {
        var close = false
        var keepAlive = false
        for value in headers.values(for: "Connection") {
            for option in value.split(separator: ",") {
                let token = option.trimmingWhitespace().lowercased()
                if token == "close" {
                    close = true
                } else if token == "keep-alive" {
                    keepAlive = true
                }
            }
        }

        switch version {
        case .http1_1: return !close
        case .http1_0: return keepAlive && !close
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" {
            result.removeFirst()
        }
        while let last = result.last, last == " " || last == "\t" {
            result.removeLast()
        }
        return result
    }
}
