import CEpoll
import Glibc

/// TCP socket calls on raw descriptors, each wrapped once through `Syscall`.
///
/// Every descriptor made here is non-blocking and close-on-exec.
enum Socket {
    /// Opens a listening socket bound to `host` and `port`.
    ///
    /// - Parameters:
    ///   - host: a numeric IPv4 or IPv6 address, or `localhost` for `127.0.0.1`.
    ///   - port: the port, or 0 for any free one.
    ///   - backlog: the length of the queue of connections not yet accepted.
    /// - Returns: the descriptor and the port actually bound.
    /// - Throws: `HTTPServerError` with `.invalidAddress`, `.addressInUse`, `.permissionDenied` or another code.
    static func makeListener(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> (Int32, Int) {
        var address = try SocketAddress(host: host, port: port)
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = try Syscall.callBlocking("socket") { Glibc.socket(address.family, flags, 0) }

        do {
            try self.setOption(descriptor, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, function: "setsockopt")
            _ = try Syscall.callBlocking("bind") {
                address.withSockAddr { Glibc.bind(descriptor, $0, $1) }
            }
            _ = try Syscall.callBlocking("listen") { Glibc.listen(descriptor, backlog) }

            let boundPort = try SocketAddress.localPort(of: descriptor)
            return (descriptor, boundPort)
        } catch {
            Syscall.close(descriptor)
            throw error
        }
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec descriptor.
    ///
    /// - Returns: the new descriptor, or `.wouldBlock` when none is pending.
    /// - Throws: `HTTPServerError`; `.tooManyOpenFiles` is the one a caller must handle specially.
    @inline(__always)
    static func accept(_ listener: Int32) throws(HTTPServerError) -> IOResult<Int32> {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return try Syscall.call("accept4") { shim_accept4(listener, flags) }
    }

    /// Turns off Nagle's algorithm so that small responses leave at once.
    static func setNoDelay(_ descriptor: Int32) throws(HTTPServerError) {
        try self.setOption(descriptor, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1, function: "setsockopt")
    }

    /// Reads what is available into `buffer`.
    ///
    /// - Returns: the number of bytes read (0 when the peer has closed), or `.wouldBlock`.
    /// - Throws: `HTTPServerError`, typically `.connectionReset`.
    @inline(__always)
    static func read(
        _ descriptor: Int32,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(HTTPServerError) -> IOResult<Int> {
        try Syscall.call("read") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Sends as much of `bytes` as the socket takes, never raising `SIGPIPE`.
    ///
    /// - Returns: the number of bytes sent, or `.wouldBlock`.
    /// - Throws: `HTTPServerError`, typically `.brokenPipe` or `.connectionReset`.
    @inline(__always)
    static func send(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(HTTPServerError) -> IOResult<Int> {
        try Syscall.call("send") { Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Shuts down the sending side: the peer reads end-of-stream after the bytes already sent.
    static func shutdownWrite(_ descriptor: Int32) throws(HTTPServerError) {
        _ = try Syscall.callBlocking("shutdown") { Glibc.shutdown(descriptor, Int32(SHUT_WR)) }
    }

    private static func setOption(
        _ descriptor: Int32,
        level: Int32,
        name: Int32,
        value: Int32,
        function: String
    ) throws(HTTPServerError) {
        var value = value
        let size = socklen_t(MemoryLayout<Int32>.size)
        _ = try Syscall.callBlocking(function) { Glibc.setsockopt(descriptor, level, name, &value, size) }
    }
}
