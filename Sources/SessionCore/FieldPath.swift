/// A dotted path into a document, such as `session.region`.
///
/// Every segment is non-empty, does not start with `$` and holds no `"` or `\`, so that a path can be
/// handed to a store without becoming an operator or breaking out of a quoted name.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public let segments: [String]

    /// Validates `text` as a dotted path.
    ///
    /// - Throws: ``InputError`` with `code` for an empty path, an empty segment, a `$` prefix or a quote.
    public init(_ text: String, code: InputError.Code = .invalidRequest) throws(InputError) {
        guard !text.isEmpty else {
            throw InputError(code, "an empty field path is not allowed")
        }
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for segment in segments {
            guard !segment.isEmpty else {
                throw InputError(code, "\(text): a field path must not have empty segments")
            }
            guard !segment.hasPrefix("$") else {
                throw InputError(code, "\(text): a field path must not start with '$'")
            }
            let forbidden = segment.unicodeScalars.contains { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }
            guard !forbidden else {
                throw InputError(
                    code,
                    "\(text): a field path must not contain quotes, backslashes or control characters"
                )
            }
        }
        self.segments = segments
    }

    /// The first segment: the top-level field the path starts in.
    public var root: String {
        self.segments[0]
    }

    public var description: String {
        self.segments.joined(separator: ".")
    }
}
