/// An ordered list of header fields, looked up by name without regard to case.
///
/// Names and values are kept as the bytes that arrived, in one buffer, and become `String`s only when read. Fields
/// keep their order and duplicates are kept: the subscript answers the first value, `values(for:)` all of them.
public struct HTTPHeaders: Sendable, Sequence, CustomStringConvertible {
    /// Where one field lies in `storage`: the name in `nameStart..<nameEnd`, the value in `valueStart..<valueEnd`.
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    private var storage: [UInt8]
    private var fields: [Field]

    /// Creates an empty list.
    public init() {
        self.storage = []
        self.fields = []
    }

    /// Creates a list holding `pairs` in order.
    public init(_ pairs: [(String, String)]) {
        self.init()
        for (name, value) in pairs {
            self.append(name: name, value: value)
        }
    }

    /// Adopts bytes already laid out by the parser, with field ranges relative to `storage`.
    init(storage: [UInt8], fields: [Field]) {
        self.storage = storage
        self.fields = fields
    }

    /// The number of fields, duplicates included.
    public var count: Int {
        self.fields.count
    }

    /// Whether there are no fields at all.
    public var isEmpty: Bool {
        self.fields.isEmpty
    }

    /// The value of the first field called `name` (compared without regard to ASCII case), or nil.
    public subscript(_ name: String) -> String? {
        guard let index = self.firstIndex(of: name) else {
            return nil
        }
        return self.value(at: index)
    }

    /// Every value of the fields called `name`, in the order they arrived.
    public func values(for name: String) -> [String] {
        var result: [String] = []
        for index in self.fields.indices where self.nameMatches(index, name) {
            result.append(self.value(at: index))
        }
        return result
    }

    /// Whether at least one field is called `name`.
    public func contains(_ name: String) -> Bool {
        self.firstIndex(of: name) != nil
    }

    /// Adds a field at the end, keeping any field of the same name.
    public mutating func append(name: String, value: String) {
        let nameStart = Int32(self.storage.count)
        self.storage.append(contentsOf: name.utf8)
        let nameEnd = Int32(self.storage.count)
        self.storage.append(contentsOf: value.utf8)
        let valueEnd = Int32(self.storage.count)
        self.fields.append(Field(nameStart: nameStart, nameEnd: nameEnd, valueStart: nameEnd, valueEnd: valueEnd))
    }

    /// Walks the fields in order as `(name, value)` pairs.
    public struct Iterator: IteratorProtocol {
        private let headers: HTTPHeaders
        private var index = 0

        /// Starts before the first field of `headers`.
        init(_ headers: HTTPHeaders) {
            self.headers = headers
        }

        /// The next field, or nil after the last one.
        public mutating func next() -> (name: String, value: String)? {
            guard self.index < self.headers.fields.count else {
                return nil
            }
            defer { self.index += 1 }
            return (self.headers.name(at: self.index), self.headers.value(at: self.index))
        }
    }

    /// An iterator over the fields in order.
    public func makeIterator() -> Iterator {
        Iterator(self)
    }

    /// The fields as `Name: value` lines.
    public var description: String {
        self.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    private func firstIndex(of name: String) -> Int? {
        self.fields.indices.first { self.nameMatches($0, name) }
    }

    private func name(at index: Int) -> String {
        let field = self.fields[index]
        return String(decoding: self.storage[Int(field.nameStart)..<Int(field.nameEnd)], as: UTF8.self)
    }

    private func value(at index: Int) -> String {
        let field = self.fields[index]
        return String(decoding: self.storage[Int(field.valueStart)..<Int(field.valueEnd)], as: UTF8.self)
    }

    private func nameMatches(_ index: Int, _ name: String) -> Bool {
        let field = self.fields[index]
        let length = Int(field.nameEnd - field.nameStart)
        guard name.utf8.count == length else {
            return false
        }

        var position = Int(field.nameStart)
        for byte in name.utf8 {
            guard HTTPSyntax.lowercased(self.storage[position]) == HTTPSyntax.lowercased(byte) else {
                return false
            }
            position += 1
        }
        return true
    }
}
