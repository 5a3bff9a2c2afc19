import Foundation
import SessionCore
import TestSupport
import Testing

@Suite struct ExportCommandTests {
    /// Documents with every managed field, a switched-off one, nested values and no `_id`.
    static let varied = [
        #"{"_id": "z-off", "session": {"login": "x"}, "active": false, "count_use": 3}"#,
        #"{"_id": "z-held", "last_use": "2026-03-04T05:06:07.089Z", "next_use": "2099-01-01T00:00:00Z"}"#,
        #"{"_id": "z-counted", "count_use": 7, "count_success": 5, "note": {"list": [1, 2.5, "ü", null, true]}}"#,
        #"{"session": {"login": "given an ObjectId"}, "tier": 2}"#,
    ]

    @Test func exportThenImportIntoAFreshStoreExportsTheSameAgain() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let accounts = MongoTestServer.repositoryRoot + "/examples/accounts.ndjson"
        let first = ["--sqlite", "first.sqlite3"]
        let second = ["--sqlite", "second.sqlite3"]
        #expect(try CommandRun.run(["import", accounts] + first, in: directory).status == 0)
        let extra = Array(Self.varied.joined(separator: "\n").utf8)
        #expect(try CommandRun.run(["import", "-"] + first, in: directory, input: extra).status == 0)

        let exported = try CommandRun.run(["export", "--output", "first.ndjson"] + first, in: directory)
        let imported = try CommandRun.run(["import", "first.ndjson"] + second, in: directory)
        let again = try CommandRun.run(["export"] + second, in: directory)

        #expect(exported.status == 0)
        #expect(exported.output.isEmpty)
        #expect(exported.errors.contains("exported 64 documents of pool default"))
        #expect(imported.status == 0)
        #expect(imported.errors.contains("inserted 64, duplicates skipped 0, rejected 0, blank 0"))
        #expect(again.status == 0)
        let file = try String(contentsOf: directory.appendingPathComponent("first.ndjson"), encoding: .utf8)
        #expect(again.output == file)

        // Every document is there, switched-off ones too, in `_id` order and in the API's form.
        let lines = again.outputLines
        let ids = try lines.map(exportedID)
        #expect(ids.count == 64)
        #expect(ids == ids.sorted())
        #expect(lines.contains(#"{"_id":"z-off","session":{"login":"x"},"active":false,"count_use":3}"#))
        #expect(
            lines.contains(
                #"{"_id":"z-held","last_use":"2026-03-04T05:06:07.089Z","next_use":"2099-01-01T00:00:00.000Z"}"#
            )
        )
    }

    @Test func anExportFileIsReadableByItsOwnerOnlyAndReplacedWhole() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = ["--sqlite", "broker.sqlite3"]
        let input = Array(#"{"_id": "only"}"#.utf8)
        #expect(try CommandRun.run(["import", "-"] + database, in: directory, input: input).status == 0)
        let output = directory.appendingPathComponent("out.ndjson")
        try "an older, longer export\nwith two lines\n".write(to: output, atomically: true, encoding: .utf8)

        let run = try CommandRun.run(["export", "--output", output.path] + database, in: directory)

        #expect(run.status == 0)
        #expect(try String(contentsOf: output, encoding: .utf8) == #"{"_id":"only"}"# + "\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: output.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == ["broker.sqlite3", "out.ndjson"])
    }
}
