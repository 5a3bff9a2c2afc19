import HTTPServer
import SessionCore

/// Who may use which route: everyone when no token is configured, otherwise the holders of a
/// bearer token whose role the route permits.
///
/// A presented token is hashed with SHA-256 and its digest compared with every configured digest
/// in constant time, without stopping at a match, so the answer's timing tells nothing about how
/// close a guess came or which token matched.
public struct AccessPolicy: Sendable {
    private struct Entry: Sendable {
        var digest: SHA256Digest
        var roles: AccessRoles
    }

    /// The realm named in `WWW-Authenticate`.
    static let realm = "session-broker"

    private let entries: [Entry]

    public init(tokens: [AccessToken]) {
        self.entries = tokens.map { Entry(digest: $0.digest, roles: AccessRoles($0.role)) }
    }

    /// No tokens: every route is open.
    public static let open = AccessPolicy(tokens: [])

    /// Whether requests are served without any token.
    public var isOpen: Bool {
        self.entries.isEmpty
    }

    /// The error to answer instead of serving `request` on `route`, or nil when it may go ahead.
    func denial(of request: HTTPRequest, route: Route) -> APIError? {
        guard !self.entries.isEmpty, let permitted = route.permittedRoles(method: request.method) else {
            return nil
        }

        switch AccessCredentials(request.headers) {
        case .missing:
            return .unauthorized("this route needs a token: send Authorization: Bearer TOKEN", error: nil)
        case .malformed(let reason, let isBearer):
            return .unauthorized(reason, error: isBearer ? "invalid_request" : nil)
        case .bearer(let token):
            let granted = self.roles(of: token)
            if granted.isEmpty {
                return .unauthorized("the bearer token is not valid", error: "invalid_token")
            }
            if granted.isDisjoint(with: permitted) {
                return .forbidden("this route needs a token with the role \(permitted.names)")
            }
            return nil
        }
    }

    /// The roles `token` grants: empty when it matches no configured token.
    func roles(of token: Substring) -> AccessRoles {
        let digest = SHA256.hash(token.utf8)
        var granted: UInt8 = 0
        for entry in self.entries {
            let mask: UInt8 = entry.digest.constantTimeEquals(digest) ? 0xFF : 0
            granted |= mask & entry.roles.rawValue
        }
        return AccessRoles(rawValue: granted)
    }
}

extension APIError {
    /// 401 with a `WWW-Authenticate` challenge; `error` is the RFC 6750 code, if any.
    static func unauthorized(_ message: String, error: String?) -> APIError {
        var challenge = "Bearer realm=\"\(AccessPolicy.realm)\""
        if let error {
            challenge += ", error=\"\(error)\""
        }
        return APIError(
            status: 401,
            code: "unauthorized",
            message: message,
            headers: [("WWW-Authenticate", challenge)]
        )
    }

    /// 403 for a valid token whose role does not reach the route.
    static func forbidden(_ message: String) -> APIError {
        APIError(
            status: 403,
            code: "forbidden",
            message: message,
            headers: [("WWW-Authenticate", "Bearer realm=\"\(AccessPolicy.realm)\", error=\"insufficient_scope\"")]
        )
    }
}
