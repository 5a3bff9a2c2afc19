/// One HTTP response as `RawHTTPClient` read it off the wire.
public struct RawHTTPResponse: Sendable {
    /// The version from the status line, for example `HTTP/1.1`.
    public var version: String
    /// The status code.
    public var status: Int
    /// The reason phrase, possibly empty.
    public var reason: String
    /// The header fields in the order they arrived.
    public var headers: [(name: String, value: String)]
    /// The body, de-chunked when it came chunked; empty for `HEAD`, 1xx, 204 and 304.
    public var body: [UInt8]

    /// Creates a response; mostly for `RawHTTPClient`.
    public init(version: String, status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The value of the first header called `name`, compared without regard to case, or nil.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value of the headers called `name`, in order.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return self.headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The body decoded as UTF-8.
    public var bodyText: String {
        String(decoding: self.body, as: UTF8.self)
    }
}
