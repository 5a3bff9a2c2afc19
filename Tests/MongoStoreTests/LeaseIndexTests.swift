import Foundation
import SessionCore
import TestSupport
import Testing

@testable import MongoStore

/// The lease's query is the shape its index serves, and on a real MongoDB the plan proves it.
@Suite struct LeaseIndexTests {
    @Test func theLeaseAsksForUnparkedSessionsInTheIndexOrder() {
        let queries = MongoQueries(names: PoolFields())

        let ready = queries.ready(.all).members

        #expect(ready.contains(BSONMember(MongoQueries.parkedField, nil)))
        #expect(queries.leaseOrder == [MongoQueries.parkedField: 1, "last_use": 1])
    }

    /// mongoeco scans in Python and has no query plans, so this runs only against a real server.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BROKER_TEST_MONGO_URL"] != nil))
    func blockedSessionsAreNotExaminedByALease() async throws {
        let pool = testPool("plan")
        let fixture = try MongoFixture(pools: [pool])
        for index in 0..<200 {
            try fixture.insertRaw(["_id": .string("s\(index)"), "session": [:]], into: pool.collection)
        }
        for index in 0..<190 {
            _ = try await fixture.store.hold(id: "s\(index)", for: .hours(24), in: pool)
        }

        let queries = MongoQueries(names: pool.fields)
        let explained = try fixture.explain(
            [
                "findAndModify": .string(pool.collection), "query": queries.ready(.all), "sort": queries.leaseOrder,
                "update": queries.lease(count: 1, delay: .seconds(3)),
            ],
            in: pool.collection
        )

        let statistics = explained["executionStats"]?.members ?? []
        let examined = statistics["totalDocsExamined"]?.counter
        #expect(examined != nil)
        #expect((examined ?? .max) <= 2)
    }
}
