import CMongoC
import SessionCore
import Testing

@testable import MongoStore

/// Documents go through libbson and come back as they were; stored values of any kind read safely.
@Suite struct BSONConversionTests {
    @Test func everyKindOfValueSurvivesARoundTripThroughLibbson() throws {
        let members: [BSONMember] = [
            BSONMember("_id", .objectID(ObjectID.generate())),
            BSONMember("null", nil),
            BSONMember("flag", true),
            BSONMember("small", .int32(-7)),
            BSONMember("large", .int64(Int64.max)),
            BSONMember("fraction", .double(2.5)),
            BSONMember("text", .string("zero\u{0}inside, and ünïcode")),
            BSONMember("when", .date(Timestamp(milliseconds: 1_767_225_600_123))),
            BSONMember("nested", ["list": [1, "two", ["three": 3]], "empty": [:]]),
        ]

        let document = try BSONDocument(members)
        let read = try document.withPointer { pointer in BSONReader.members(of: pointer) }

        #expect(read == members)
    }

    @Test func datesOutsideRFC3339AreShownInExtendedJSONAndTimesOfThatKindReadAsMissing() {
        let far = BSONValue.date(Timestamp(milliseconds: Int64.min))
        let members: [BSONMember] = [
            BSONMember("_id", "odd"),
            BSONMember("session", ["since": far]),
            BSONMember("last_use", far),
            BSONMember("next_use", .date(Timestamp(milliseconds: 0))),
        ]

        let session = Session(bson: members, names: PoolFields())

        let extended = JSONValue.object(
            JSONObject(["$date": .object(JSONObject(["$numberLong": .string(String(Int64.min))]))])
        )
        #expect(session.lastUse == nil)
        #expect(session.fields["last_use"] == extended)
        #expect(session.fields["session"] == .object(JSONObject(["since": extended])))
        #expect(session.nextUse == Timestamp(milliseconds: 0))
        #expect(Timestamp(milliseconds: Int64.min).rfc3339 == "0000-01-01T00:00:00.000Z")
    }

    @Test func countersOfEveryNumericKindAreRead() {
        let members: [BSONMember] = [
            BSONMember("_id", .int32(5)),
            BSONMember("count_use", .double(3)),
            BSONMember("count_success", .double(2.5)),
        ]

        let session = Session(bson: members, names: PoolFields())

        #expect(session.id == .string("5"))
        #expect(session.countUse == 3)
        #expect(session.countSuccess == nil)
        #expect(session.fields["count_success"] == .double(2.5))
    }
}
