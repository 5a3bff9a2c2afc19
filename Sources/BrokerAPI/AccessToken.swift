import SessionCore

/// One configured token: the role it grants and the SHA-256 digest of its secret.
///
/// Only the digest is kept, so the secret itself is never held after configuration is read.
public struct AccessToken: Sendable, Equatable {
    public var role: AccessRole
    public var digest: SHA256Digest

    public init(role: AccessRole, digest: SHA256Digest) {
        self.role = role
        self.digest = digest
    }

    /// A token given as its secret, which is hashed at once.
    public init(role: AccessRole, secret: String) {
        self.init(role: role, digest: SHA256.hash(secret))
    }
}
