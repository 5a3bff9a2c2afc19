/// What the request parser found in the bytes it has been given so far.
public enum HTTPParseResult: Sendable {
    /// A complete request; further bytes stay buffered for the next call.
    case request(HTTPRequest)
    /// The bytes end inside a request; feed more.
    case needMoreData
    /// The head of a request with `Expect: 100-continue` is complete and its declared body length is acceptable:
    /// send `HTTP/1.1 100 Continue`, then feed the body. Reported once per request.
    case continueRequired
    /// The request is malformed or over a limit; answer with the error's status and close the connection.
    /// Every later call reports the same error.
    case error(HTTPParseError)
}
