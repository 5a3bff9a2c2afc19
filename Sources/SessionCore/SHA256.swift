/// SHA-256 as FIPS 180-4 defines it, for hashing short secrets such as access tokens.
///
/// It hashes a whole message at once and allocates nothing on the heap, so it is cheap enough to
/// run on every request.
public enum SHA256 {
    /// The digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> SHA256Digest {
        if let digest = bytes.withContiguousStorageIfAvailable({ self.hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { self.hash($0) }
    }

    /// The digest of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> SHA256Digest {
        var text = text
        return text.withUTF8 { self.hash(UnsafeRawBufferPointer($0)) }
    }

    /// The digest of the bytes in `message`.
    public static func hash(_ message: UnsafeRawBufferPointer) -> SHA256Digest {
        var state = State()
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
            let fullBlocks = message.count / 64
            for block in 0..<fullBlocks {
                let start = block * 64
                self.compress(UnsafeRawBufferPointer(rebasing: message[start..<(start + 64)]), &state, schedule)
            }

            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                tail.initialize(repeating: 0)
                let remainder = message.count - fullBlocks * 64
                for index in 0..<remainder {
                    tail[index] = message[fullBlocks * 64 + index]
                }
                tail[remainder] = 0x80

                let tailLength = remainder < 56 ? 64 : 128
                let bitCount = UInt64(message.count) &* 8
                for index in 0..<8 {
                    tail[tailLength - 1 - index] = UInt8(truncatingIfNeeded: bitCount >> (8 * UInt64(index)))
                }

                let bytes = UnsafeRawBufferPointer(tail)
                for offset in stride(from: 0, to: tailLength, by: 64) {
                    self.compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 64)]), &state, schedule)
                }
            }
        }
        return SHA256Digest(words: SIMD8(state.a, state.b, state.c, state.d, state.e, state.f, state.g, state.h))
    }

    /// The eight working words, kept as separate scalars so that the rounds stay in registers.
    private struct State {
        var a: UInt32 = 0x6a09_e667
        var b: UInt32 = 0xbb67_ae85
        var c: UInt32 = 0x3c6e_f372
        var d: UInt32 = 0xa54f_f53a
        var e: UInt32 = 0x510e_527f
        var f: UInt32 = 0x9b05_688c
        var g: UInt32 = 0x1f83_d9ab
        var h: UInt32 = 0x5be0_cd19
    }

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Mixes one 64-byte block into `state`, using `schedule` (64 words) as scratch space.
    private static func compress(
        _ block: UnsafeRawBufferPointer,
        _ state: inout State,
        _ schedule: UnsafeMutableBufferPointer<UInt32>
    ) {
        for index in 0..<16 {
            var word: UInt32 = 0
            for byte in 0..<4 {
                word = word << 8 | UInt32(block[index * 4 + byte])
            }
            schedule[index] = word
        }
        for index in 16..<64 {
            let early = schedule[index - 15]
            let late = schedule[index - 2]
            let sigma0 = early.rotatedRight(7) ^ early.rotatedRight(18) ^ (early >> 3)
            let sigma1 = late.rotatedRight(17) ^ late.rotatedRight(19) ^ (late >> 10)
            schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
        }

        var (a, b, c, d) = (state.a, state.b, state.c, state.d)
        var (e, f, g, h) = (state.e, state.f, state.g, state.h)
        for index in 0..<64 {
            let sum1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
            let choice = (e & f) ^ (~e & g)
            let first = h &+ sum1 &+ choice &+ self.roundConstants[index] &+ schedule[index]
            let sum0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let second = sum0 &+ majority
            (h, g, f, e) = (g, f, e, d &+ first)
            (d, c, b, a) = (c, b, a, first &+ second)
        }
        (state.a, state.b, state.c, state.d) = (state.a &+ a, state.b &+ b, state.c &+ c, state.d &+ d)
        (state.e, state.f, state.g, state.h) = (state.e &+ e, state.f &+ f, state.g &+ g, state.h &+ h)
    }
}

extension UInt32 {
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        self >> count | self << (32 - count)
    }
}
