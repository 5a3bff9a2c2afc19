/// Why the MongoDB test server could not be started, restarted or reached.
public struct MongoTestServerError: Error, Sendable, CustomStringConvertible {
    /// Details for a person, including what to run when something is not installed.
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message, prefixed with the type name.
    public var description: String {
        "MongoTestServerError: \(self.message)"
    }
}
