/// How the length of a request body was conveyed on the wire.
///
/// An application that requires a body can answer 411 when the framing is `.none`; the server never does.
public enum HTTPBodyFraming: Sendable, Hashable {
    /// Neither `Content-Length` nor `Transfer-Encoding` was sent: the body is empty.
    case none
    /// The body length came from `Content-Length` (which may be zero).
    case contentLength
    /// The body arrived with `Transfer-Encoding: chunked` and has been decoded.
    case chunked
}
