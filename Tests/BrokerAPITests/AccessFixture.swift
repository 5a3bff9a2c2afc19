import BrokerAPI
import BrokerApp
import SessionCore
import TestSupport
import Testing

/// The secrets of the access tests, one per role, and brokers that know them.
enum AccessFixture {
    static let worker = "worker-secret-7f3a9c1e"
    static let admin = "admin-secret-b21e55d0"
    static let metrics = "metrics-secret-04d8e1aa"
    static let unknown = "unknown-secret-99c0ffee"

    static var secrets: [String] {
        [self.worker, self.admin, self.metrics, self.unknown]
    }

    /// A broker with one token per role; the admin's is configured by its digest only.
    static func broker() throws -> LiveBroker {
        try LiveBroker { configuration in
            configuration.access.tokens = [
                AccessToken(role: .worker, secret: self.worker),
                AccessToken(role: .admin, digest: SHA256.hash(self.admin)),
                AccessToken(role: .metrics, secret: self.metrics),
            ]
        }
    }

    static func bearer(_ secret: String) -> [(String, String)] {
        [("Authorization", "Bearer \(secret)")]
    }
}

extension LiveBroker {
    /// Adds a session with the admin token and returns its id.
    func addSession(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let response = try self.request(
            "POST",
            "/sessions",
            json: #"{"_id": "\#(id)", "session": {"login": "\#(id)"}}"#,
            headers: AccessFixture.bearer(AccessFixture.admin)
        )
        #expect(response.status == 201, sourceLocation: sourceLocation)
        return id
    }
}
