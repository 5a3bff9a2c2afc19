/// Delivers the response to one request; handed to `HTTPRequestHandler.handle`.
///
/// SAFE TO COPY AND TO CALL FROM ANY THREAD. Called on the event-loop thread while `handle` runs, the response is
/// written inline; called from another thread, it is queued for the loop, which is woken. Only the first call for a
/// request counts; calls after the connection has closed are ignored.
public struct HTTPResponder: Sendable {
    private enum Destination: Sendable {
        case connection(EventLoop, connectionID: UInt64, descriptor: Int32, sequence: UInt64)
        case callback(@Sendable (HTTPResponse) -> Void)
    }

    private let destination: Destination

    /// Creates the responder for request number `sequence` on a connection of `loop`.
    init(loop: EventLoop, connectionID: UInt64, descriptor: Int32, sequence: UInt64) {
        self.destination = .connection(loop, connectionID: connectionID, descriptor: descriptor, sequence: sequence)
    }

    /// Creates a responder that passes the response to `callback`, for driving a handler without a server.
    public init(_ callback: @escaping @Sendable (HTTPResponse) -> Void) {
        self.destination = .callback(callback)
    }

    /// Sends `response` as the answer to the request this responder belongs to. Never blocks.
    public func respond(_ response: HTTPResponse) {
        switch self.destination {
        case .connection(let loop, let connectionID, let descriptor, let sequence):
            loop.respond(response, connectionID: connectionID, descriptor: descriptor, sequence: sequence)
        case .callback(let callback):
            callback(response)
        }
    }
}
