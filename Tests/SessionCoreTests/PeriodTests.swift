import SessionCore
import Testing

@Suite struct PeriodTests {
    @Test func readsSecondsAndTheObjectForm() throws {
        #expect(try Period(json: .int(36000), field: "period").milliseconds == 36_000_000)
        #expect(try Period(json: .double(1.5), field: "period").milliseconds == 1500)
        #expect(try Period(json: .double(0.0004), field: "period").milliseconds == 0)
        let object = JSONObject(["hours": .int(10), "minutes": .double(0.5), "milliseconds": .int(7)])
        #expect(try Period(json: .object(object), field: "period").milliseconds == 36_030_007)
        let small = JSONObject(["microseconds": .int(2500), "weeks": .int(1)])
        #expect(try Period(json: .object(small), field: "period").milliseconds == 604_800_003)
    }

    @Test(arguments: [
        (JSONValue.int(-1), "period: must not be negative"),
        (
            JSONValue.string("10"),
            "period: must be a number of seconds or an object such as {\"hours\": 10}, not a string"
        ),
        (
            JSONValue.object(JSONObject(["fortnights": .int(1)])),
            "period.fortnights: unknown unit; use one of weeks, days, hours, minutes, "
                + "seconds, milliseconds, microseconds"
        ),
        (JSONValue.object(JSONObject(["hours": .string("1")])), "period.hours: must be a number, not a string"),
        (JSONValue.object(JSONObject(["days": .int(-1)])), "period.days: must not be negative"),
        (JSONValue.object(JSONObject()), "period: a period needs at least one unit, such as {\"seconds\": 30}"),
        (JSONValue.object(JSONObject(["weeks": .int(522)])), "period: must be at most ten years"),
    ])
    func rejectsOutOfRangeOrWronglyTyped(value: JSONValue, message: String) {
        #expect(throws: InputError.self) { try Period(json: value, field: "period") }
        do {
            _ = try Period(json: value, field: "period")
        } catch {
            #expect(error.message == message)
            #expect(error.code == .invalidRequest)
        }
    }

    @Test func acceptsExactlyTenYears() throws {
        #expect(try Period(json: .int(315_576_000), field: "p") == Period.maximum)
        #expect(throws: InputError.self) { try Period(json: .int(315_576_001), field: "p") }
    }
}
