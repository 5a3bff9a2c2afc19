import SessionCore

extension JSONValue {
    /// The string this value holds, or nil for any other kind of value.
    var stringValue: String? {
        if case .string(let text) = self {
            return text
        }
        return nil
    }
}
