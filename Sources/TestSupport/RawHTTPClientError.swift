/// Why a `RawHTTPClient` call failed.
public struct RawHTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Hashable {
        /// The TCP connection could not be made.
        case connectFailed
        /// Writing failed (the peer reset or closed the connection).
        case sendFailed
        /// Reading failed (typically a reset by the peer).
        case receiveFailed
        /// Nothing complete arrived before the deadline.
        case timedOut
        /// The peer closed the connection before a complete response arrived.
        case closedBeforeResponse
        /// The bytes received are not an HTTP/1.x response.
        case malformedResponse
    }

    /// The kind of failure.
    public let kind: Kind
    /// Details for a person.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Kind and details on one line.
    public var description: String {
        "RawHTTPClientError(\(self.kind)): \(self.message)"
    }
}
