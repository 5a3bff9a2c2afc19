import BrokerAPI
import Foundation

extension TokenSettings {
    /// Reads `BROKER_TOKENS` (`role:token` pairs separated by commas, added to the file's tokens)
    /// and `BROKER_ALLOW_OPEN_ACCESS` (`true` or `false`); empty variables count as unset.
    mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        if let pairs = environment["BROKER_TOKENS"], !pairs.isEmpty {
            self.tokens += try Self.tokens(pairs: pairs, key: "BROKER_TOKENS")
        }
        if let allow = environment["BROKER_ALLOW_OPEN_ACCESS"], !allow.isEmpty {
            self.allowOpenAccess = try Self.boolean(allow, key: "BROKER_ALLOW_OPEN_ACCESS")
        }
    }

    /// Reads `--allow-open-access`, which the command line sets to `true` when given alone.
    mutating func apply(flags: [String: String]) throws(ConfigurationError) {
        if let allow = flags["allow-open-access"] {
            self.allowOpenAccess = try Self.boolean(allow, key: "--allow-open-access")
        }
    }

    /// Parses `worker:abc,admin:def`. The role comes before the first colon; spaces around a pair
    /// are ignored. Messages name the pair by its position and never repeat any part of it, since
    /// a misplaced secret may stand where the role belongs.
    static func tokens(pairs text: String, key: String) throws(ConfigurationError) -> [AccessToken] {
        var tokens: [AccessToken] = []
        for (index, rawPair) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let pair = rawPair.trimmingCharacters(in: .whitespaces)
            let position = "pair \(index + 1)"
            guard !pair.isEmpty else {
                throw ConfigurationError(key: key, "\(position) is empty; write role:token pairs separated by commas")
            }
            guard let colon = pair.firstIndex(of: ":") else {
                throw ConfigurationError(key: key, "\(position) has no colon; write role:token, such as worker:TOKEN")
            }
            guard let role = AccessRole(rawValue: pair[..<colon].lowercased()) else {
                let roles = AccessRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(key: key, "\(position) has an unknown role; the roles are \(roles)")
            }
            let secret = try self.checkSecret(String(pair[pair.index(after: colon)...]), key: "\(key) \(position)")
            tokens.append(AccessToken(role: role, secret: secret))
        }
        return tokens
    }

    private static func boolean(_ text: String, key: String) throws(ConfigurationError) -> Bool {
        guard let value = ["true": true, "false": false][text.lowercased()] else {
            throw ConfigurationError(key: key, "\"\(text)\" is neither true nor false")
        }
        return value
    }
}
