/// The protocol version named on a request line.
///
/// Only the two HTTP/1 versions are spoken; any other well-formed version on the wire is answered with 505.
public enum HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// `HTTP/1.0`: the connection closes after each exchange unless the client sends `Connection: keep-alive`.
    case http1_0
    /// `HTTP/1.1`: connections are kept alive unless either side sends `Connection: close`.
    case http1_1

    /// The version as written on the wire, for example `HTTP/1.1`.
    public var description: String {
        switch self {
        case .http1_0: "HTTP/1.0"
        case .http1_1: "HTTP/1.1"
        }
    }
}
