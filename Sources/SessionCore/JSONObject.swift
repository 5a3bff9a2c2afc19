/// A JSON object whose members keep the order in which they were written.
///
/// Lookups are linear, which is the right trade for the small documents the broker handles.
public struct JSONObject: Sendable, Equatable {
    /// One member of an object.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member]

    public init(_ members: [Member] = []) {
        self.members = members
    }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    public var isEmpty: Bool {
        self.members.isEmpty
    }

    public var keys: [String] {
        self.members.map(\.key)
    }

    /// The value stored under `key`; setting nil removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            self.members.first { $0.key == key }?.value
        }
        set {
            let index = self.members.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?):
                self.members[index].value = value
            case (let index?, nil):
                self.members.remove(at: index)
            case (nil, let value?):
                self.members.append(Member(key: key, value: value))
            case (nil, nil):
                break
            }
        }
    }

    /// Removes the member named `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = self.members.firstIndex(where: { $0.key == key }) else {
            return nil
        }
        return self.members.remove(at: index).value
    }
}
