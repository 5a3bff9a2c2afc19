import SessionCore
import TestSupport
import Testing

/// A lease filter and the sessions of ``LeaseFilterContractTests/documents`` it lets a lease pick.
struct FilterCase: Sendable, CustomTestStringConvertible {
    let filter: String
    let matches: Set<String>

    init(_ filter: String, _ matches: Set<String>) {
        self.filter = filter
        self.matches = matches
    }

    var testDescription: String {
        self.filter
    }
}

@Suite struct LeaseFilterContractTests {
    static let documents = [
        #"{"_id": "eu-phone", "session": {"region": "eu", "device": {"os": "android"}}, "kind": "phone", "tier": 1,"#
            + #" "vip": true}"#,
        #"{"_id": "us-phone", "session": {"region": "us", "device": {"os": "ios"}}, "kind": "phone", "tier": 2}"#,
        #"{"_id": "asia-mail", "session": {"region": "asia"}, "kind": "mail", "tier": 3.5, "code": "1"}"#,
        #"{"_id": "no-region", "session": {}, "kind": "phone"}"#,
        #"{"_id": "null-region", "session": {"region": null}}"#,
        #"{"_id": "no-payload"}"#,
    ]

    static let cases = [
        FilterCase(#"{"kind": "phone"}"#, ["eu-phone", "us-phone", "no-region"]),
        FilterCase(#"{"session.region": "eu"}"#, ["eu-phone"]),
        FilterCase(#"{"session.device.os": "ios"}"#, ["us-phone"]),
        FilterCase(#"{"session.region": {"$in": ["eu", "asia", "mars"]}}"#, ["eu-phone", "asia-mail"]),
        FilterCase(#"{"session.region": null}"#, ["no-region", "null-region", "no-payload"]),
        FilterCase(
            #"{"session.region": {"$in": ["us", null]}}"#,
            ["us-phone", "no-region", "null-region", "no-payload"]
        ),
        FilterCase(#"{"kind": "phone", "tier": {"$in": [1, 3]}}"#, ["eu-phone"]),
        FilterCase(#"{"_id": "asia-mail"}"#, ["asia-mail"]),
        FilterCase(#"{"tier": 2.0}"#, ["us-phone"]),
        FilterCase(#"{"tier": 3.5}"#, ["asia-mail"]),
        FilterCase(#"{"tier": "2"}"#, []),
        FilterCase(#"{"tier": true}"#, []),
        FilterCase(#"{"vip": true}"#, ["eu-phone"]),
        FilterCase(#"{"vip": 1}"#, []),
        FilterCase(#"{"code": 1}"#, []),
        FilterCase(#"{"session.region": "mars"}"#, []),
    ]

    @Test(arguments: StoreKind.allCases, Self.cases)
    func aFilterNarrowsTheLeaseToTheSessionsItMatches(kind: StoreKind, filterCase: FilterCase) async throws {
        let pool = uniquePool("filter_match")
        let request = LeaseRequest(nextUseDelay: .minutes(10), filter: try filter(filterCase.filter))

        try await withStore(kind, pool) { store in
            for text in Self.documents {
                _ = try await store.insert(document(text, in: pool), into: pool)
            }

            var leased: [String] = []
            var outcome = try await store.lease(request, in: pool)
            while let session = outcome.session, leased.count <= Self.documents.count {
                leased.append(session.id.text)
                outcome = try await store.lease(request, in: pool)
            }

            #expect(leased.count == Set(leased).count, "\(leased)")
            #expect(Set(leased) == filterCase.matches)
            #expect((outcome.retryAfter != nil) == !filterCase.matches.isEmpty, "\(outcome)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRequestFilterNarrowsThePoolFilterWithoutWideningIt(kind: StoreKind) async throws {
        let pool = try uniquePool("filter_pool") { $0.filter = try filter(#"{"kind": "phone"}"#) }
        let request = LeaseRequest(nextUseDelay: .minutes(10), filter: try filter(#"{"session.region": "asia"}"#))

        try await withStore(kind, pool) { store in
            for text in Self.documents {
                _ = try await store.insert(document(text, in: pool), into: pool)
            }

            #expect(try await store.lease(request, in: pool) == .unavailable(retryAfter: nil))
            #expect(try await store.countAvailable(in: pool) == 3)

            var leased: [String] = []
            let unfiltered = LeaseRequest(nextUseDelay: .minutes(10))
            while let session = try await store.lease(unfiltered, in: pool).session, leased.count <= 10 {
                leased.append(session.id.text)
            }

            #expect(leased.sorted() == ["eu-phone", "no-region", "us-phone"])
        }
    }
}
