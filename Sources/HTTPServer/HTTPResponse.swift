/// A response as the application builds it; the server adds the framing.
///
/// The server writes `Content-Length`, `Date` and, when it will close, `Connection: close` itself, and ignores
/// `Content-Length`, `Transfer-Encoding` and `Connection` fields given here (a `Connection: close` given here
/// still closes). Carriage returns, line feeds and NUL bytes in names or values are sent as spaces.
public struct HTTPResponse: Sendable {
    /// The status code, 200 through 999. 204 and 304 are sent without a body.
    public var status: Int
    /// Extra header fields in order, for example `("Content-Type", "application/json")`.
    public var headers: [(String, String)]
    /// The body; left out on the wire for `HEAD` requests, while its length still fills `Content-Length`.
    public var body: [UInt8]
    /// Whether the server closes the connection after writing this response.
    public var closeConnection: Bool

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }
}
