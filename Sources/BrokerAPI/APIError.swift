import SessionCore

/// An error answer of the API: its status, its `error` code and a message for a person.
///
/// Every error the API sends has this shape; ``APIError/init(_:)-store`` maps store failures.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    /// Extra headers, such as `Allow` on 405 or `Retry-After` on 429.
    public var headers: [(String, String)] = []
    /// Whether the connection must close after this answer (its body may still be in flight).
    public var closeConnection = false

    public init(status: Int, code: String, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// A 400 from input validation, with the validation's own code.
    public init(_ error: InputError) {
        self.init(status: 400, code: error.code.description, message: error.message)
    }

    /// The answer for a store failure. Internal details stay in logs, never in the body.
    public init(_ error: StoreError) {
        switch error.code {
        case .notFound:
            self.init(status: 404, code: "session_not_found", message: "no session has this id")
        case .duplicateID:
            self.init(status: 409, code: "duplicate_id", message: "a session with this _id exists already")
        case .unavailable:
            self.init(status: 503, code: "store_unavailable", message: "the session store is unavailable; retry later")
        case .invalidInput:
            self.init(status: 400, code: "invalid_request", message: error.clientMessage ?? error.message)
        default:
            self = .internal
        }
    }

    static let `internal` = APIError(status: 500, code: "internal", message: "internal error; see the broker's log")

    static let notFound = APIError(status: 404, code: "not_found", message: "no such route")

    static func poolNotFound(_ name: String) -> APIError {
        APIError(status: 404, code: "pool_not_found", message: "no pool named \"\(name)\" is configured")
    }

    static func methodNotAllowed(_ allowed: [String]) -> APIError {
        APIError(
            status: 405,
            code: "method_not_allowed",
            message: "use \(allowed.joined(separator: ", "))",
            headers: [("Allow", allowed.joined(separator: ", "))]
        )
    }

    static func invalidRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_request", message: message)
    }
}
