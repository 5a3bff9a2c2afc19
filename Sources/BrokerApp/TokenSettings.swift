import BrokerAPI

#if canImport(Glibc)
import Glibc
#endif

/// The bearer tokens the broker accepts, and whether it may serve without any beyond loopback.
///
/// Tokens come from the file (`auth.tokens`, as secrets or as SHA-256 digests) and from
/// `BROKER_TOKENS`; all of them are valid together. Only their digests are kept.
public struct TokenSettings: Sendable {
    /// Every configured token with its role.
    public var tokens: [AccessToken] = []
    /// Whether the broker may serve without tokens on an address other than loopback.
    public var allowOpenAccess = false

    public init() {}

    /// Whether no token is configured, so that every route is open to anyone who can connect.
    public var isOpen: Bool {
        self.tokens.isEmpty
    }

    /// The policy the API enforces.
    public var policy: AccessPolicy {
        AccessPolicy(tokens: self.tokens)
    }

    /// How many tokens each role has, such as `admin=1,worker=2`, or `open`; never a secret.
    public var summary: String {
        guard !self.isOpen else {
            return self.allowOpenAccess ? "open (allowed beyond loopback)" : "open"
        }
        return AccessRole.allCases.compactMap { role in
            let count = self.tokens.count { $0.role == role }
            return count == 0 ? nil : "\(role.rawValue)=\(count)"
        }
        .joined(separator: ",")
    }

    /// Refuses to serve an open broker on an address other than loopback unless that is allowed.
    ///
    /// - Throws: ``ConfigurationError`` naming `auth.tokens` when no token is configured, `host` is
    ///   not a loopback address and open access is not allowed.
    public func checkExposure(host: String) throws(ConfigurationError) {
        guard self.isOpen, !self.allowOpenAccess, !Self.isLoopback(host) else {
            return
        }
        throw ConfigurationError(
            key: "auth.tokens",
            """
            no access tokens are configured, and \(host) is not a loopback address: configure tokens \
            (auth.tokens or BROKER_TOKENS), listen on 127.0.0.1 or ::1, or allow open access explicitly \
            (auth.allow_open, BROKER_ALLOW_OPEN_ACCESS=true or --allow-open-access)
            """
        )
    }

    /// Whether `host` is a numeric loopback address: 127.0.0.0/8, ::1, or 127.x mapped into IPv6.
    public static func isLoopback(_ host: String) -> Bool {
        var address4 = in_addr()
        if inet_pton(AF_INET, host, &address4) == 1 {
            return UInt32(bigEndian: address4.s_addr) >> 24 == 127
        }
        var address6 = in6_addr()
        guard inet_pton(AF_INET6, host, &address6) == 1 else {
            return false
        }
        let bytes = withUnsafeBytes(of: address6) { Array($0) }
        let loopback6 = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        return loopback6 || (mapped && bytes[12] == 127)
    }
}
