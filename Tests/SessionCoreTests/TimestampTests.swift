import SessionCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp(milliseconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(milliseconds: 1_796_397_383_514).rfc3339 == "2026-12-04T15:16:23.514Z")
        #expect(Timestamp(milliseconds: 951_782_400_000).rfc3339 == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(milliseconds: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func parsesZonesAndFractions() {
        #expect(Timestamp(rfc3339: "2026-12-04T15:16:23.514Z")?.milliseconds == 1_796_397_383_514)
        #expect(Timestamp(rfc3339: "2026-12-04T18:16:23.514+03:00")?.milliseconds == 1_796_397_383_514)
        #expect(Timestamp(rfc3339: "2026-12-04t15:16:23z")?.milliseconds == 1_796_397_383_000)
        #expect(Timestamp(rfc3339: "2026-12-04T15:16:23.5149999Z")?.milliseconds == 1_796_397_383_514)
        #expect(Timestamp(rfc3339: "2026-12-04T15:16:23.5Z")?.milliseconds == 1_796_397_383_500)
        #expect(Timestamp(rfc3339: "2026-12-04T10:16:23-05:00")?.milliseconds == 1_796_397_383_000)
    }

    @Test(arguments: [
        "2026-12-04T15:16:23", "2026-12-04", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-12-04T24:00:00Z", "2026-12-04T15:16:23.Z", "2026-12-04T15:16:23+0300", "not a date",
        "2026-12-04T15:16:23Z ", "2025-02-29T00:00:00Z", "9999-12-31T23:00:00-05:00",
    ])
    func rejectsTextWithoutZoneOrImpossibleDate(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        for milliseconds: Int64 in [-62_135_596_800_000, 0, 4_102_444_800_123, 253_402_300_799_999] {
            let time = Timestamp(milliseconds: milliseconds)
            #expect(Timestamp(rfc3339: time.rfc3339) == time)
        }
    }
}
