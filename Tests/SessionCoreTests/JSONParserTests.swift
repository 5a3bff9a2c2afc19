import SessionCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesNestedDocumentKeepingMemberOrder() throws {
        let value = try JSONParser.parse(#" {"b": 1, "a": [true, null, "x"], "c": {"d": -2.5e1}} "#)

        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["b"] == .int(1))
        #expect(object["a"] == .array([.bool(true), .null, .string("x")]))
        #expect(object["c"] == .object(JSONObject(["d": .double(-25)])))
    }

    @Test func keepsIntegersExactAndFallsBackToDoubleBeyondInt64() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("1.0") == .double(1))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/\n\u0041\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/\nA😀"))
    }

    @Test(arguments: [
        ("", "unexpected end of input"),
        ("{\"a\":1,}", "expected a member name in double quotes"),
        ("{\"a\":1} x", "unexpected data after the JSON value"),
        ("{\"a\":1,\"a\":2}", "duplicate member name \"a\""),
        ("01", "unexpected data after the JSON value"),
        ("1.", "invalid number: digits expected after '.'"),
        ("\"\\ud800\"", "unpaired surrogate in a \\u escape"),
        ("\"a\nb\"", "control character in a string"),
        ("tru", "invalid literal"),
        ("[1 2]", "expected ',' or ']' in an array"),
        ("'a'", "unexpected character"),
    ])
    func rejectsMalformedText(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func limitsNestingDepth() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(deepest)

        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
    }

    @Test func serializationRoundTrips() throws {
        let text = #"{"_id":"x","s":"q\"\\\n\u0001é","n":[1,-2.5,1e+20,true,false,null],"o":{}}"#
        let value = try JSONParser.parse(text)

        let serialized = String(decoding: value.serialized(), as: UTF8.self)

        #expect(serialized == #"{"_id":"x","s":"q\"\\\n\u0001é","n":[1,-2.5,1e+20,true,false,null],"o":{}}"#)
        #expect(try JSONParser.parse(serialized) == value)
    }
}
