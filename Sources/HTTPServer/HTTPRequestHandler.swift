/// The application side of the server: turns each request into exactly one response.
public protocol HTTPRequestHandler: Sendable {
    /// Handles one request.
    ///
    /// Called ON AN EVENT-LOOP THREAD, so it MUST NOT BLOCK: hand slow work (storage, anything that waits) to
    /// another thread and respond from there. It MUST call `responder.respond` EXACTLY ONCE, from any thread, now
    /// or later. Until it does, the connection reads no further request, which keeps responses in request order.
    ///
    /// - Parameters:
    ///   - request: the complete request, body included.
    ///   - responder: where the response goes; safe to copy and to call from any thread.
    func handle(_ request: HTTPRequest, responder: HTTPResponder)
}
