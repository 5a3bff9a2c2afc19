import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The `_id` of a session: an ObjectId for documents the broker creates, or any string.
public enum SessionID: Sendable, Hashable, CustomStringConvertible {
    case objectID(ObjectID)
    case string(String)

    /// The text of the id as it appears in JSON and in paths.
    public var text: String {
        switch self {
        case .objectID(let id): id.hex
        case .string(let text): text
        }
    }

    public var description: String {
        self.text
    }
}

/// A 12-byte MongoDB ObjectId: 4 bytes of seconds, 5 random bytes fixed per process, a 3-byte counter.
public struct ObjectID: Sendable, Hashable {
    public let bytes: [UInt8]

    private static let processRandom: [UInt8] = (0..<5).map { _ in UInt8.random(in: 0...255) }
    private static let counter = Atomic<UInt32>(UInt32.random(in: 0...0xFF_FFFF))

    /// A new ObjectId for the current second.
    public static func generate(at time: Timestamp = .now()) -> ObjectID {
        let seconds = UInt32(truncatingIfNeeded: time.milliseconds / 1000)
        let count = self.counter.wrappingAdd(1, ordering: .relaxed).oldValue & 0xFF_FFFF
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        bytes += [UInt8(seconds >> 24), UInt8(seconds >> 16 & 0xFF), UInt8(seconds >> 8 & 0xFF), UInt8(seconds & 0xFF)]
        bytes += self.processRandom
        bytes += [UInt8(count >> 16), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
        return ObjectID(bytes: bytes)
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 12, "an ObjectId has 12 bytes")
        self.bytes = bytes
    }

    /// Reads 24 hexadecimal digits; returns nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 24 else {
            return nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        for pair in stride(from: 0, to: 24, by: 2) {
            guard let high = Hexadecimal.value(of: digits[pair]), let low = Hexadecimal.value(of: digits[pair + 1])
            else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// The 24 lowercase hexadecimal digits.
    public var hex: String {
        Hexadecimal.string(self.bytes)
    }
}
