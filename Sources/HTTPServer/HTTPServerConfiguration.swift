/// Where the server listens and the limits it enforces, with the defaults from the service specification.
public struct HTTPServerConfiguration: Sendable {
    /// The numeric IPv4 or IPv6 address to bind; `localhost` means `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The TCP port to bind; 0 asks the kernel for any free port (`HTTPServer.start()` returns the one chosen).
    public var port: Int = 8080
    /// The longest accepted request line, without its CRLF; longer is answered with 414.
    public var maxRequestLineBytes: Int = 8192
    /// The largest accepted header block (field lines and the empty line); larger is answered with 431.
    public var maxHeaderBytes: Int = 16384
    /// The largest accepted body; larger is answered with 413 as soon as it is known, before the body is read.
    public var maxBodyBytes: Int = 1 << 20
    /// How long after the first byte of a request its head must be complete; later is answered with 408.
    public var headerTimeout: Duration = .seconds(10)
    /// How long a kept-alive connection may sit idle, and how long a body read or a write may stall.
    public var idleTimeout: Duration = .seconds(60)
    /// The most connections open at once; beyond it a new connection is answered with 503 and closed.
    public var maxConnections: Int = 10_000
    /// The number of event-loop threads; they share the listening socket.
    public var eventLoops: Int = 1

    /// Creates a configuration with the defaults; set the fields to change them.
    public init() {}

    /// Creates a configuration listening on `host` and `port`, with the default limits.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Checks every field and names the first one out of range.
    ///
    /// - Throws: `HTTPServerError` with code `.invalidConfiguration`.
    func validate() throws(HTTPServerError) {
        func require(_ condition: Bool, _ message: String) throws(HTTPServerError) {
            if !condition {
                throw HTTPServerError(code: .invalidConfiguration, message: message)
            }
        }

        try require((0...65535).contains(self.port), "port must be between 0 and 65535")
        try require(self.maxRequestLineBytes > 0, "maxRequestLineBytes must be positive")
        try require(self.maxHeaderBytes > 0, "maxHeaderBytes must be positive")
        try require(self.maxBodyBytes >= 0, "maxBodyBytes must not be negative")
        try require(self.headerTimeout > .zero, "headerTimeout must be positive")
        try require(self.idleTimeout > .zero, "idleTimeout must be positive")
        try require(self.maxConnections > 0, "maxConnections must be positive")
        try require((1...256).contains(self.eventLoops), "eventLoops must be between 1 and 256")
    }
}
