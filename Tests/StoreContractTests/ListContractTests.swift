import SessionCore
import TestSupport
import Testing

@Suite struct ListContractTests {
    @Test(arguments: StoreKind.allCases)
    func pagesOverStringIDsVisitEverySessionOnceInIDOrder(kind: StoreKind) async throws {
        let pool = uniquePool("list_strings")
        let ids = (0..<20).map { "k\($0)" } + ["K5", "k-x", "a"]

        try await withStore(kind, pool) { store in
            for id in ids.shuffled() {
                _ = try await store.insert(bare(id), into: pool)
            }

            let pages = try await Self.allPages(of: store, in: pool, limit: 5)

            #expect(pages.map(\.sessions.count) == [5, 5, 5, 5, 3])
            #expect(pages.flatMap(\.sessions).map(\.id.text) == ids.sorted())
            #expect(pages.map(\.next) == pages.dropLast().map { $0.sessions.last?.id.text } + [nil])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesOverObjectIDsVisitEverySessionOnceInIDOrder(kind: StoreKind) async throws {
        let pool = uniquePool("list_object_ids")
        let ids = (0..<20).map { _ in ObjectID.generate(at: fromNow(milliseconds: -.random(in: 0...10_000_000))) }
        let expected = ids.sorted { $0.hex < $1.hex }.map { SessionID.objectID($0) }

        try await withStore(kind, pool) { store in
            for id in ids {
                _ = try await store.insert(Session(id: .objectID(id)), into: pool)
            }

            let pages = try await Self.allPages(of: store, in: pool, limit: 5)

            #expect(pages.map(\.sessions.count) == [5, 5, 5, 5])
            #expect(pages.flatMap(\.sessions).map(\.id) == expected)
            #expect(pages.last?.next == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAfterIDThatIsNotStoredStartsWhereItWouldStand(kind: StoreKind) async throws {
        let pool = uniquePool("list_after")

        try await withStore(kind, pool) { store in
            for id in ["a", "c", "e"] {
                _ = try await store.insert(bare(id), into: pool)
            }

            let afterB = try await store.list(in: pool, after: "b", limit: 10)
            let afterE = try await store.list(in: pool, after: "e", limit: 10)
            let first = try await store.list(in: pool, after: nil, limit: 1)

            #expect(afterB == SessionPage(sessions: [bare("c"), bare("e")], next: nil))
            #expect(afterE == SessionPage(sessions: [], next: nil))
            #expect(first == SessionPage(sessions: [bare("a")], next: "a"))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listingFollowsThePoolFilterAndSkipsInactiveSessions(kind: StoreKind) async throws {
        let pool = try uniquePool("list_filter") { $0.filter = try filter(#"{"kind": "phone"}"#) }
        let documents = [
            #"{"_id": "p1", "kind": "phone"}"#, #"{"_id": "p2", "kind": "phone", "active": true}"#,
            #"{"_id": "p3", "kind": "phone", "active": false}"#, #"{"_id": "e1", "kind": "mail"}"#,
            #"{"_id": "p0"}"#,
        ]

        try await withStore(kind, pool) { store in
            for text in documents {
                _ = try await store.insert(document(text, in: pool), into: pool)
            }

            let page = try await store.list(in: pool, after: nil, limit: 10)

            #expect(page.sessions.map(\.id.text) == ["p1", "p2"])
            #expect(page.next == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listingWithInactiveSessionsKeepsThePoolFilterAndTheOrder(kind: StoreKind) async throws {
        let pool = try uniquePool("list_inactive") { $0.filter = try filter(#"{"kind": "phone"}"#) }
        let documents = [
            #"{"_id": "p3", "kind": "phone", "active": false}"#, #"{"_id": "p1", "kind": "phone"}"#,
            #"{"_id": "p2", "kind": "phone", "active": true}"#, #"{"_id": "e1", "kind": "mail", "active": false}"#,
            #"{"_id": "p4", "kind": "phone", "active": false}"#,
        ]

        try await withStore(kind, pool) { store in
            for text in documents {
                _ = try await store.insert(document(text, in: pool), into: pool)
            }

            let first = try await store.list(in: pool, after: nil, limit: 3, includeInactive: true)
            let second = try await store.list(in: pool, after: first.next, limit: 3, includeInactive: true)

            #expect(first.sessions.map(\.id.text) == ["p1", "p2", "p3"])
            #expect(first.sessions.map(\.active) == [nil, true, false])
            #expect(first.next == "p3")
            #expect(second.sessions.map(\.id.text) == ["p4"])
            #expect(second.next == nil)
        }
    }

    /// Follows `next` from the first page to the last, failing past 100 pages.
    private static func allPages(
        of store: any SessionStore,
        in pool: PoolConfiguration,
        limit: Int
    ) async throws -> [SessionPage] {
        var pages: [SessionPage] = []
        var after: String?
        repeat {
            let page = try await store.list(in: pool, after: after, limit: limit)
            pages.append(page)
            after = page.next
        } while after != nil && pages.count < 100
        try #require(after == nil, "more than 100 pages")
        return pages
    }
}
