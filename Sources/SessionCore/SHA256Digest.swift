/// A SHA-256 digest: 32 bytes, kept as eight big-endian words.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    /// The eight 32-bit words of the digest, first word first.
    public let words: SIMD8<UInt32>

    public init(words: SIMD8<UInt32>) {
        self.words = words
    }

    /// Reads 64 hexadecimal digits in either case; nil for anything else.
    public init?(hexadecimal text: String) {
        let digits = Array(text.utf8)
        guard digits.count == 64 else {
            return nil
        }
        var words = SIMD8<UInt32>()
        for (index, digit) in digits.enumerated() {
            guard let value = Hexadecimal.value(of: digit) else {
                return nil
            }
            words[index / 8] = words[index / 8] << 4 | UInt32(value)
        }
        self.words = words
    }

    /// The 32 bytes in order.
    public var bytes: [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: self.words[$0 / 4] >> (24 - 8 * UInt32($0 % 4))) }
    }

    /// The 64 lowercase hexadecimal digits, as `sha256sum` prints them.
    public var hexadecimal: String {
        Hexadecimal.string(self.bytes)
    }

    public var description: String {
        self.hexadecimal
    }

    /// Whether both digests are the same, in a time that does not depend on where they differ.
    public func constantTimeEquals(_ other: SHA256Digest) -> Bool {
        let difference = self.words ^ other.words
        var folded: UInt32 = 0
        for lane in 0..<8 {
            folded |= difference[lane]
        }
        return folded == 0
    }
}
