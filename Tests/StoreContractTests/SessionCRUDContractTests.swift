import SessionCore
import TestSupport
import Testing

@Suite struct SessionCRUDContractTests {
    @Test(arguments: StoreKind.allCases)
    func insertedSessionsAreFoundAsStored(kind: StoreKind) async throws {
        let pool = uniquePool("crud_round_trip")
        let objectID = ObjectID.generate()
        let withObjectID = Session(
            id: .objectID(objectID),
            active: true,
            lastUse: Timestamp(milliseconds: 1_796_385_600_123),
            nextUse: Timestamp(milliseconds: 1_796_385_603_123),
            countUse: 4,
            countSuccess: 2,
            fields: JSONObject([
                "session": .object(
                    JSONObject(["token": .string("t-1"), "limits": .object(JSONObject(["rpm": .int(30)]))])
                ),
                "note": .string("Grüße ✓"),
                "scores": .array([.int(1), .double(2.5), .null, .bool(false)]),
            ])
        )
        let withString = try document(#"{"_id": "worker-7", "session": {"cookie": "c=1"}, "tier": 2}"#, in: pool)

        try await withStore(kind, pool) { store in
            let storedObject = try await store.insert(withObjectID, into: pool)
            let storedString = try await store.insert(withString, into: pool)

            #expect(storedObject == withObjectID)
            #expect(storedString == withString)
            #expect(try await store.find(id: objectID.hex, in: pool) == withObjectID)
            #expect(try await store.find(id: "worker-7", in: pool) == withString)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anObjectIDIsFoundByItsHexInEitherCaseAndAStringIDOnlyByItsOwnText(kind: StoreKind) async throws {
        let pool = uniquePool("crud_id_text")
        let objectID = ObjectID.generate()

        try await withStore(kind, pool) { store in
            _ = try await store.insert(Session(id: .objectID(objectID)), into: pool)
            let hexText = try await store.insert(bare("6B12F45CAF26415982D8554F"), into: pool)
            _ = try await store.insert(bare("Worker-A"), into: pool)

            #expect(try await store.find(id: objectID.hex, in: pool).id == .objectID(objectID))
            #expect(try await store.find(id: objectID.hex.uppercased(), in: pool).id == .objectID(objectID))
            #expect(try await store.find(id: "6B12F45CAF26415982D8554F", in: pool).id == hexText.id)
            let lowercase = await #expect(throws: StoreError.self) {
                try await store.find(id: "6b12f45caf26415982d8554f", in: pool)
            }
            #expect(lowercase?.code == .notFound)
            let otherCase = await #expect(throws: StoreError.self) { try await store.find(id: "worker-a", in: pool) }
            #expect(otherCase?.code == .notFound)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStringIDIsPreferredToAnObjectIDThePathAlsoNames(kind: StoreKind) async throws {
        let pool = uniquePool("crud_preferred")
        let objectID = ObjectID(hex: "6b12f45caf26415982d85550")!
        let upper = "6B12F45CAF26415982D85550"

        try await withStore(kind, pool) { store in
            _ = try await store.insert(Session(id: .objectID(objectID)), into: pool)
            _ = try await store.insert(bare(upper), into: pool)

            #expect(try await store.find(id: upper, in: pool).id == .string(upper))
            #expect(try await store.find(id: objectID.hex, in: pool).id == .objectID(objectID))

            try await store.delete(id: upper, in: pool)

            #expect(try await store.find(id: upper, in: pool).id == .objectID(objectID))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStringIDOfTheSameTextAsAnObjectIDLivesBesideItAndIsPreferred(kind: StoreKind) async throws {
        let pool = uniquePool("crud_same_text")
        let objectID = ObjectID(hex: "6b12f45caf26415982d85551")!

        try await withStore(kind, pool) { store in
            _ = try await store.insert(Session(id: .objectID(objectID)), into: pool)

            try await withKnownIssue("the embedded store keeps one id column for both kinds of id") {
                _ = try await store.insert(bare(objectID.hex), into: pool)

                #expect(try await store.find(id: objectID.hex, in: pool).id == .string(objectID.hex))
                #expect(try await store.find(id: "6B12F45CAF26415982D85551", in: pool).id == .objectID(objectID))
                try await store.delete(id: objectID.hex, in: pool)
                #expect(try await store.find(id: objectID.hex, in: pool).id == .objectID(objectID))
            } when: {
                kind == .sqlite
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func insertingATakenIDFailsAndKeepsTheFirst(kind: StoreKind) async throws {
        let pool = uniquePool("crud_duplicate")
        let objectID = ObjectID.generate()

        try await withStore(kind, pool) { store in
            let first = try await store.insert(document(#"{"_id": "dup", "session": {"v": 1}}"#, in: pool), into: pool)
            _ = try await store.insert(Session(id: .objectID(objectID), countUse: 1), into: pool)

            let string = await #expect(throws: StoreError.self) {
                try await store.insert(document(#"{"_id": "dup", "session": {"v": 2}}"#, in: pool), into: pool)
            }
            let object = await #expect(throws: StoreError.self) {
                try await store.insert(Session(id: .objectID(objectID), countUse: 2), into: pool)
            }

            #expect(string?.code == .duplicateID)
            #expect(object?.code == .duplicateID)
            #expect(try await store.find(id: "dup", in: pool) == first)
            #expect(try await store.find(id: objectID.hex, in: pool).countUse == 1)
        }
    }

    @Test(arguments: StoreKind.allCases, ["absent", "6b12f45caf26415982d8554e"])
    func everyOperationOnAMissingIDFailsWithNotFound(kind: StoreKind, id: String) async throws {
        let pool = uniquePool("crud_missing")

        try await withStore(kind, pool) { store in
            let present = try await store.insert(bare("present"), into: pool)
            let change = try update(#"{"set": {"session.k": 1}}"#, in: pool)
            let operations: [(String, () async throws -> Void)] = [
                ("find", { _ = try await store.find(id: id, in: pool) }),
                ("update", { _ = try await store.update(id: id, with: change, in: pool) }),
                ("delete", { try await store.delete(id: id, in: pool) }),
                ("recordSuccess", { _ = try await store.recordSuccess(id: id, nextUseDelay: .seconds(5), in: pool) }),
                ("hold", { _ = try await store.hold(id: id, for: pool.lockTime, in: pool) }),
                ("setActive", { _ = try await store.setActive(false, id: id, in: pool) }),
            ]

            for (name, operation) in operations {
                let error = await #expect(throws: StoreError.self, "\(name)") { try await operation() }
                #expect(error?.code == .notFound, "\(name)")
            }
            #expect(try await store.find(id: "present", in: pool) == present)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteRemovesOnlyTheNamedSession(kind: StoreKind) async throws {
        let pool = uniquePool("crud_delete")
        let objectID = ObjectID.generate()

        try await withStore(kind, pool) { store in
            _ = try await store.insert(bare("gone"), into: pool)
            let kept = try await store.insert(bare("kept"), into: pool)
            _ = try await store.insert(Session(id: .objectID(objectID)), into: pool)

            try await store.delete(id: "gone", in: pool)
            try await store.delete(id: objectID.hex.uppercased(), in: pool)

            let find = await #expect(throws: StoreError.self) { try await store.find(id: "gone", in: pool) }
            #expect(find?.code == .notFound)
            let again = await #expect(throws: StoreError.self) { try await store.delete(id: "gone", in: pool) }
            #expect(again?.code == .notFound)
            #expect(try await store.list(in: pool, after: nil, limit: 10).sessions == [kept])
            #expect(try await store.statistics(in: pool).total == 1)
        }
    }
}
