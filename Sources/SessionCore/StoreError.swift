/// A failure of a store operation, converted once from the store's own error codes.
///
/// The raw code and message stay inside for logs; clients see only the code's meaning.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in terms the API can answer.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String {
            case notFound = "not_found"
            case duplicateID = "duplicate_id"
            case unavailable = "unavailable"
            case invalidInput = "invalid_input"
            case misconfigured = "misconfigured"
            case `internal` = "internal"
        }

        private let kind: Kind

        /// No session has the given id.
        public static let notFound = Code(kind: .notFound)
        /// A session with the given `_id` exists already.
        public static let duplicateID = Code(kind: .duplicateID)
        /// The store cannot be reached or is shutting down; trying again later may succeed.
        public static let unavailable = Code(kind: .unavailable)
        /// The store refused a value it cannot hold.
        public static let invalidInput = Code(kind: .invalidInput)
        /// The store's settings are wrong; fatal at start-up.
        public static let misconfigured = Code(kind: .misconfigured)
        /// Anything else.
        public static let `internal` = Code(kind: .internal)

        public var description: String {
            self.kind.rawValue
        }
    }

    public var code: Code
    /// A description for logs; it may hold paths or host names, so it is never sent to clients.
    public var message: String
    /// The store's raw code, such as an SQLite result code, for logs.
    public var rawCode: Int32?
    /// For `invalidInput`: what a client may be told, when ``message`` comes from a database
    /// server and may quote stored data; nil when ``message`` is the broker's own and safe to send.
    public var clientMessage: String?
    /// Whether the store could not be reached at all (as opposed to failing one operation).
    public var isUnreachable = false

    public init(_ code: Code, _ message: String, rawCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.rawCode = rawCode
    }

    public var description: String {
        if let rawCode = self.rawCode {
            return "\(self.code) (\(rawCode)): \(self.message)"
        }
        return "\(self.code): \(self.message)"
    }
}
