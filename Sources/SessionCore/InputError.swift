/// Input that the broker refuses: bad JSON, a wrong field, a filter it does not allow.
///
/// The message names the offending field so that the client can fix its request.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem, which is also the `error` code of the JSON error body.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String {
            case invalidJSON = "invalid_json"
            case invalidRequest = "invalid_request"
            case invalidFilter = "invalid_filter"
        }

        private let kind: Kind

        /// The body is not JSON.
        public static let invalidJSON = Code(kind: .invalidJSON)
        /// The body is JSON but a field is missing, unknown, of the wrong type or out of range.
        public static let invalidRequest = Code(kind: .invalidRequest)
        /// The lease filter uses something other than equality and `$in` on plain paths.
        public static let invalidFilter = Code(kind: .invalidFilter)

        public var description: String {
            self.kind.rawValue
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// An `invalid_request` error about one field.
    public static func field(_ name: String, _ problem: String) -> InputError {
        InputError(.invalidRequest, "\(name): \(problem)")
    }

    public var description: String {
        "\(self.code): \(self.message)"
    }
}
