import SessionCore
import Testing

@Suite struct SHA256Tests {
    /// The SHA-256 vectors of FIPS 180-4 (its examples) and RFC 6234 (section 8.5).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
        (
            String(repeating: "0123456701234567012345670123456701234567012345670123456701234567", count: 10),
            "594847328451bdfa85056225462cc1d867d877fb388df0ce35f25ab5562bfbb5"
        ),
    ])
    func hashesTheStandardVectors(message: String, digest: String) {
        #expect(SHA256.hash(message).hexadecimal == digest)
        #expect(SHA256.hash(Array(message.utf8)).hexadecimal == digest)
    }

    @Test func hashesAMillionBytesAndASingleByte() {
        let million = SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(million.hexadecimal == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hash([0xBD]).hexadecimal == "68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b")
    }

    /// Lengths around the padding boundaries: the length field fits the last block or needs another one.
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
    ])
    func hashesLengthsAroundTheBlockBoundaries(length: Int, digest: String) {
        #expect(SHA256.hash(String(repeating: "a", count: length)).hexadecimal == digest)
    }

    @Test func hashesNonContiguousCollectionsAndSubstrings() {
        let abc = "xabcx".dropFirst().dropLast()
        #expect(SHA256.hash(abc.utf8) == SHA256.hash("abc"))
        #expect(SHA256.hash(AnyCollection(Array("abc".utf8))) == SHA256.hash("abc"))
    }

    @Test func readsAndWritesHexadecimalDigests() throws {
        let text = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        let digest = try #require(SHA256Digest(hexadecimal: text))
        #expect(digest == SHA256.hash("abc"))
        #expect(digest.hexadecimal == text.lowercased())
        #expect(digest.bytes.count == 32)
        #expect(digest.bytes.prefix(4) == [0xBA, 0x78, 0x16, 0xBF])

        #expect(SHA256Digest(hexadecimal: String(text.dropLast())) == nil)
        #expect(SHA256Digest(hexadecimal: text + "0") == nil)
        #expect(SHA256Digest(hexadecimal: String(text.dropLast()) + "g") == nil)
        #expect(SHA256Digest(hexadecimal: "") == nil)
    }

    @Test func comparesDigestsWhereverTheyDiffer() {
        let digest = SHA256.hash("abc")
        #expect(digest.constantTimeEquals(SHA256.hash("abc")))
        for lane in 0..<8 {
            var words = digest.words
            words[lane] ^= 1 << UInt32(lane * 3)
            #expect(!digest.constantTimeEquals(SHA256Digest(words: words)))
        }
    }
}
