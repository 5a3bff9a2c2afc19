import BrokerAPI
import SessionCore

extension TokenSettings {
    /// Reads the `auth` object of the configuration file: `tokens` and `allow_open`.
    ///
    /// Each token is `{"role": "worker", "token": "SECRET"}` or `{"role": "admin", "sha256": "64 hex digits"}`.
    mutating func apply(_ auth: inout ObjectReader) throws(ConfigurationError) {
        switch auth.raw("tokens") {
        case nil:
            break
        case .array(let entries)?:
            for (index, entry) in entries.enumerated() {
                self.tokens.append(try Self.token(entry, key: "\(auth.keyPath("tokens"))[\(index)]"))
            }
        case let other?:
            throw ConfigurationError(key: auth.keyPath("tokens"), "must be an array, not \(other.kindName)")
        }

        switch auth.raw("allow_open") {
        case nil: break
        case .bool(let allow)?: self.allowOpenAccess = allow
        case _?: throw ConfigurationError(key: auth.keyPath("allow_open"), "must be true or false")
        }
        try auth.rejectUnknown()
    }

    private static func token(_ entry: JSONValue, key: String) throws(ConfigurationError) -> AccessToken {
        guard case .object(let object) = entry else {
            throw ConfigurationError(key: key, "must be an object such as {\"role\": \"worker\", \"token\": \"...\"}")
        }
        var reader = ObjectReader(object, path: key)
        guard let roleText = try reader.string("role") else {
            throw ConfigurationError(key: reader.keyPath("role"), "is missing: worker, admin or metrics")
        }
        let role: AccessRole = try ObjectReader.choice(roleText, key: reader.keyPath("role"))
        let secret = try reader.string("token")
        let hash = try reader.string("sha256")
        try reader.rejectUnknown()

        switch (secret, hash) {
        case (let secret?, nil):
            return AccessToken(role: role, secret: try self.checkSecret(secret, key: reader.keyPath("token")))
        case (nil, let hash?):
            guard let digest = SHA256Digest(hexadecimal: hash) else {
                throw ConfigurationError(
                    key: reader.keyPath("sha256"),
                    "must be 64 hexadecimal digits, as printed by: printf %s TOKEN | sha256sum"
                )
            }
            return AccessToken(role: role, digest: digest)
        default:
            throw ConfigurationError(key: key, "needs exactly one of \"token\" and \"sha256\"")
        }
    }

    /// Checks that a secret can be sent in an `Authorization` field: not empty, visible ASCII only.
    ///
    /// The messages never repeat the secret.
    static func checkSecret(_ secret: String, key: String) throws(ConfigurationError) -> String {
        guard !secret.isEmpty else {
            throw ConfigurationError(key: key, "the token is empty")
        }
        guard secret.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConfigurationError(key: key, "the token must be visible ASCII characters without spaces")
        }
        return secret
    }
}
