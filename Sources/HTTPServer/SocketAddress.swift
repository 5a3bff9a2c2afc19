import Glibc

/// An IPv4 or IPv6 socket address parsed from a numeric host.
struct SocketAddress {
    private var storage = sockaddr_storage()
    private let length: socklen_t
    /// `AF_INET` or `AF_INET6`.
    let family: Int32

    /// Parses `host` (numeric IPv4, numeric IPv6, or `localhost`) and sets `port`.
    ///
    /// - Throws: `HTTPServerError` with `.invalidAddress`.
    init(host: String, port: Int) throws(HTTPServerError) {
        let numericHost = host == "localhost" ? "127.0.0.1" : host
        var ipv4 = sockaddr_in()
        var ipv6 = sockaddr_in6()

        if inet_pton(AF_INET, numericHost, &ipv4.sin_addr) == 1 {
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = in_port_t(UInt16(port).bigEndian)
            self.family = AF_INET
            self.length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &self.storage) { $0.storeBytes(of: ipv4, as: sockaddr_in.self) }
        } else if inet_pton(AF_INET6, numericHost, &ipv6.sin6_addr) == 1 {
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = in_port_t(UInt16(port).bigEndian)
            self.family = AF_INET6
            self.length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &self.storage) { $0.storeBytes(of: ipv6, as: sockaddr_in6.self) }
        } else {
            throw HTTPServerError(code: .invalidAddress, message: "\(host) is not a numeric IPv4 or IPv6 address")
        }
    }

    /// Calls `body` with a `sockaddr` pointer and its length, valid only inside the closure.
    mutating func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        let length = self.length
        return withUnsafePointer(to: &self.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// The local port a socket is bound to.
    ///
    /// - Throws: `HTTPServerError` from `getsockname`.
    static func localPort(of descriptor: Int32) throws(HTTPServerError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try Syscall.callBlocking("getsockname") {
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
        }

        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: &storage) { raw in
            if family == AF_INET6 {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
        }
    }
}
