import Foundation
import SessionCore
import TestSupport
import Testing

@Suite struct ImportCommandTests {
    /// Twelve lines: a byte order mark, blank lines, a duplicate, broken JSON, a wrong-typed
    /// managed field, invalid UTF-8, a CRLF line end and no line feed at the end.
    static let mixedLines: [UInt8] =
        [0xEF, 0xBB, 0xBF] + Array(#"{"_id": "a", "session": {"k": 1}}"#.utf8) + [0x0A]
        + Array("\n".utf8)
        + Array(#"{"_id": "b"}"#.utf8) + [0x0A]
        + Array(#"{"_id": "a", "session": {"k": 2}}"#.utf8) + [0x0A]
        + Array(#"{"_id": "c","#.utf8) + [0x0A]
        + Array(#"{"_id": "d", "count_use": "five"}"#.utf8) + [0x0A]
        + Array(" \t \n".utf8)
        + Array(#"{"session": {"k": 3}}"#.utf8) + [0x0A]
        + Array(#"{"_id": "e", "last_use": "2026-01-02T03:04:05+01:00", "active": false}"#.utf8) + [0x0A]
        + [UInt8(ascii: "{"), 0xFF, 0xFE, UInt8(ascii: "}"), 0x0A]
        + Array(#"{"_id": "f"}"#.utf8) + [0x0D, 0x0A]
        + Array(#"{"_id": "g"}"#.utf8)

    @Test func importCountsEveryKindOfLineAndListsRejectedOnesByNumber() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("mixed.ndjson")
        try Data(Self.mixedLines).write(to: file)

        let run = try CommandRun.run(["import", file.path, "--sqlite", "broker.sqlite3"], in: directory)

        #expect(run.status == 2)
        #expect(run.output.isEmpty)
        #expect(run.errorLines.count == 4)
        #expect(run.errorLines[0].hasPrefix("line 5: invalid_json: "))
        #expect(run.errorLines[1] == "line 6: invalid_request: count_use: must be an integer, not a string")
        #expect(run.errorLines[2] == "line 10: invalid_json: the line is not valid UTF-8")
        #expect(run.errorLines[3].hasSuffix("inserted 6, duplicates skipped 1, rejected 3, blank 2"))

        // The first line with an `_id` wins, and every field is stored as the API stores it.
        let export = try CommandRun.run(["export", "--sqlite", "broker.sqlite3"], in: directory)
        #expect(export.status == 0)
        let documents = try export.outputLines.map(parseObject)
        #expect(documents.count == 6)
        #expect(documents.first { $0["_id"] == .string("a") }?["session"] == .object(JSONObject(["k": .int(1)])))
        let e = try #require(documents.first { $0["_id"] == .string("e") })
        #expect(e["last_use"] == .string("2026-01-02T02:04:05.000Z"))
        #expect(e["active"] == .bool(false))
    }

    @Test func importReadsStandardInputIntoTheNamedPoolWithItsFieldNames() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = directory.appendingPathComponent("pools.json")
        try #"""
        {"sqlite": {"path": "broker.sqlite3"},
         "pools": {"default": {}, "tg": {"collection": "telegram", "fields": {"active": "enabled"}}}}
        """#.write(to: configuration, atomically: true, encoding: .utf8)
        let lines = [
            #"{"_id": "t1", "enabled": false}"#, #"{"_id": "t2", "active": "a field of its own here"}"#,
            #"{"_id": "t3", "enabled": "yes"}"#,
        ]
        let config = ["--config", configuration.path]

        let run = try CommandRun.run(
            ["import", "-", "--pool", "tg"] + config,
            in: directory,
            input: Array(lines.joined(separator: "\n").utf8)
        )

        #expect(run.status == 2)
        #expect(run.errorLines.first == "line 3: invalid_request: enabled: must be a boolean, not a string")
        #expect(run.errors.contains("imported standard input into pool tg"))
        #expect(run.errors.contains("inserted 2, duplicates skipped 0, rejected 1, blank 0"))
        let pool = try CommandRun.run(["export", "--pool", "tg"] + config, in: directory)
        #expect(
            pool.outputLines == [
                #"{"_id":"t1","enabled":false}"#, #"{"_id":"t2","active":"a field of its own here"}"#,
            ]
        )
        #expect(try CommandRun.run(["export"] + config, in: directory).output.isEmpty)
    }

    @Test func aLineLongerThanTheBodyLimitIsRejectedAndTheNextOneLoaded() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = directory.appendingPathComponent("small.json")
        try #"{"http": {"max_body_bytes": 1024}}"#.write(to: configuration, atomically: true, encoding: .utf8)
        let long = #"{"_id": "long", "session": {"blob": "\#(String(repeating: "x", count: 2000))"}}"#
        let lines = [#"{"_id": "short"}"#, long, #"{"_id": "after"}"#]

        let run = try CommandRun.run(
            ["import", "-", "--config", configuration.path, "--sqlite", "broker.sqlite3"],
            in: directory,
            input: Array((lines.joined(separator: "\n") + "\n").utf8)
        )

        #expect(run.status == 2)
        #expect(run.errorLines.first == "line 2: payload_too_large: longer than 1024 bytes")
        #expect(run.errors.contains("inserted 2, duplicates skipped 0, rejected 1, blank 0"))
    }

    @Test func rejectedLinesPastTheFirstHundredAreOnlyCounted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = (0..<150).map { #"{"_id": "r\#($0)", "count_success": -1}"# } + [#"{"_id": "good"}"#]

        let run = try CommandRun.run(
            ["import", "-", "--sqlite", "broker.sqlite3"],
            in: directory,
            input: Array(lines.joined(separator: "\n").utf8)
        )

        #expect(run.status == 2)
        #expect(run.errorLines.filter { $0.hasPrefix("line ") }.count == 100)
        #expect(run.errorLines.contains("session-broker: 50 more rejected lines are not listed"))
        #expect(run.errors.contains("inserted 1, duplicates skipped 0, rejected 150, blank 0"))
    }

    @Test func aSecondImportOfTheSameFileSkipsEveryDocumentAsDuplicate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let accounts = URL(fileURLWithPath: MongoTestServer.repositoryRoot + "/examples/accounts.ndjson")
        let arguments = ["import", accounts.path, "--sqlite", "broker.sqlite3"]

        let first = try CommandRun.run(arguments, in: directory)
        let second = try CommandRun.run(arguments, in: directory)

        #expect(first.status == 0)
        #expect(first.errorLines.count == 1)
        #expect(first.errors.contains("60 lines in"))
        #expect(first.errors.contains("inserted 60, duplicates skipped 0, rejected 0, blank 0"))
        #expect(second.status == 0)
        #expect(second.errors.contains("inserted 0, duplicates skipped 60, rejected 0, blank 0"))
    }

    @Test func importAndExportRunBesideABrokerServingTheSameFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = ["--sqlite", directory.appendingPathComponent("broker.sqlite3").path]
        let broker = try BrokerProcess(arguments: database, directory: directory)
        defer { broker.stop(signal: SIGTERM) }
        #expect(try broker.request("POST", "/sessions", json: #"{"_id": "served"}"#).status == 201)
        let lines = (0..<2000).map { #"{"_id": "bulk-\#($0)"}"# }

        let run = try CommandRun.run(
            ["import", "-"] + database,
            in: directory,
            input: Array(lines.joined(separator: "\n").utf8)
        )
        let leased = try broker.request("POST", "/sessions/lease")
        let export = try CommandRun.run(["export"] + database, in: directory)

        #expect(run.status == 0)
        #expect(run.errors.contains("inserted 2000, duplicates skipped 0, rejected 0, blank 0"))
        #expect(leased.status == 200)
        #expect(try broker.request("GET", "/sessions/bulk-1999").status == 200)
        #expect(export.status == 0)
        #expect(export.outputLines.count == 2001)
        #expect(broker.stop(signal: SIGTERM) == 0)
    }

    @Test func badCommandLinesExitWithTheUsageStatusAndCreateNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = ["--sqlite", "broker.sqlite3"]

        let runs = try [
            ["import"] + database, ["import", "missing.ndjson"] + database, ["import", "a", "b"] + database,
            ["import", "-", "--pool", "nope"] + database, ["import", "-", "--port", "1"] + database,
            ["export", "--output", "out.ndjson"] + database, ["export", "extra"] + database,
            ["import", "."] + database,
        ].map { try CommandRun.run($0, in: directory) }

        #expect(runs.map(\.status) == Array(repeating: 64, count: runs.count))
        #expect(runs[1].errors.contains("missing.ndjson: cannot open"))
        #expect(runs[3].errors.contains(#"--pool: no pool is named "nope"; the pools are default"#))
        #expect(runs[5].errors.contains("sqlite.path: there is no database at broker.sqlite3"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}

/// A fresh directory under the system's temporary one.
func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-bulk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// Parses one exported line as a JSON object.
func parseObject(_ line: String) throws -> JSONObject {
    try #require(try JSONParser.parse(line).objectValue)
}

/// The `_id` of one exported line.
func exportedID(_ line: String) throws -> String {
    guard case .string(let id)? = try parseObject(line)["_id"] else {
        Issue.record("no string _id in \(line)")
        return ""
    }
    return id
}
