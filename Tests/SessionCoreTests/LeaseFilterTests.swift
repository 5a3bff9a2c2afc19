import SessionCore
import Testing

@Suite struct LeaseFilterTests {
    @Test func acceptsScalarsAndIn() throws {
        let json = try JSONParser.parse(
            #"{"session.region": "eu", "tier": 2, "vip": true, "gone": null, "k": {"$in": ["a", 1]}}"#
        )

        let filter = try LeaseFilter(json: json)

        #expect(filter.conditions.map(\.path.description) == ["session.region", "tier", "vip", "gone", "k"])
        #expect(filter.conditions[0].match == .equals(.string("eu")))
        #expect(filter.conditions[4].match == .oneOf([.string("a"), .int(1)]))
    }

    @Test(arguments: [
        (#"{"a": {"$ne": 1}}"#, #"a: a filter value must be a string, number, boolean, null or {"$in": [...]}"#),
        (#"{"a": {"b": 1}}"#, #"a: a filter value must be a string, number, boolean, null or {"$in": [...]}"#),
        (#"{"a": [1]}"#, #"a: a filter value must be a string, number, boolean, null or {"$in": [...]}"#),
        (#"{"$where": "1"}"#, "$where: a field path must not start with '$'"),
        (#"{"a.$x": 1}"#, "a.$x: a field path must not start with '$'"),
        (#"{"": 1}"#, "an empty field path is not allowed"),
        (#"{"a..b": 1}"#, "a..b: a field path must not have empty segments"),
        (#"{"a\\b": 1}"#, #"a\b: a field path must not contain quotes, backslashes or control characters"#),
        (#"{"a": {"$in": 1}}"#, "a: $in takes an array"),
        (#"{"a": {"$in": [{"b": 1}]}}"#, "a: $in values must be strings, numbers, booleans or null"),
        (
            #"{"a": {"$in": [1], "$nin": [2]}}"#,
            #"a: a filter value must be a string, number, boolean, null or {"$in": [...]}"#
        ),
        (#"[1]"#, "filter must be an object, not an array"),
    ])
    func rejectsAnythingButEquality(text: String, message: String) throws {
        let json = try JSONParser.parse(text)
        do {
            _ = try LeaseFilter(json: json)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .invalidFilter)
            #expect(error.message == message)
        }
    }

    @Test func limitsTheNumberOfConditions() throws {
        let allowed = JSONObject((0..<32).map { JSONObject.Member(key: "k\($0)", value: .int(1)) })
        #expect(try LeaseFilter(json: .object(allowed)).conditions.count == 32)

        let tooMany = JSONObject((0..<33).map { JSONObject.Member(key: "k\($0)", value: .int(1)) })
        #expect(throws: InputError(.invalidFilter, "a filter may have at most 32 conditions")) {
            try LeaseFilter(json: .object(tooMany))
        }
    }

    @Test func matchesLikeMongoDBEquality() throws {
        let document = try #require(
            try JSONParser.parse(#"{"session": {"region": "eu", "n": 2}, "flag": false}"#).objectValue
        )
        func matches(_ text: String) throws -> Bool {
            try LeaseFilter(json: JSONParser.parse(text)).matches(document)
        }

        #expect(try matches(#"{"session.region": "eu"}"#))
        #expect(try !matches(#"{"session.region": "us"}"#))
        #expect(try matches(#"{"session.n": 2.0}"#))
        #expect(try matches(#"{"session.missing": null}"#))
        #expect(try !matches(#"{"session.region": null}"#))
        #expect(try matches(#"{"flag": false, "session.region": {"$in": ["us", "eu"]}}"#))
        #expect(try !matches(#"{"flag": 0}"#))
        #expect(try !matches(#"{"session.region.x": "eu"}"#))
    }
}
