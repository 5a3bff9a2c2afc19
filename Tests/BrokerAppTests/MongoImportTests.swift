import Foundation
import SessionCore
import TestSupport
import Testing

@Suite struct MongoImportTests {
    /// Settings for a MongoDB that is stopped: fail fast, and create no indexes, so that the store
    /// opens without the server and the first insert is what finds it gone.
    static let outageEnvironment = ["BROKER_MONGO_CREATE_INDEXES": "false"]

    private static func url(_ server: MongoTestServer, _ prefix: String) -> String {
        let url = server.url(database: MongoTestServer.uniqueDatabaseName(prefix))
        return url + (url.contains("?") ? "&" : "?") + "serverSelectionTimeoutMS=500&connectTimeoutMS=500"
    }

    @Test func importIntoMongoDBCountsAndListsLinesAsTheEmbeddedStoreDoes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try MongoTestServer.shared()
        let first = ["--mongo-url", Self.url(server, "import")]
        let second = ["--mongo-url", Self.url(server, "import_again")]

        let run = try CommandRun.run(["import", "-"] + first, in: directory, input: ImportCommandTests.mixedLines)
        let exported = try CommandRun.run(["export"] + first, in: directory)
        let reimported = try CommandRun.run(
            ["import", "-"] + second,
            in: directory,
            input: Array(exported.output.utf8)
        )
        let again = try CommandRun.run(["export"] + second, in: directory)

        #expect(run.status == 2)
        #expect(run.errorLines.count == 4)
        #expect(run.errorLines[0].hasPrefix("line 5: invalid_json: "))
        #expect(run.errorLines[1] == "line 6: invalid_request: count_use: must be an integer, not a string")
        #expect(run.errorLines[2] == "line 10: invalid_json: the line is not valid UTF-8")
        #expect(run.errorLines[3].contains("(mongodb:t_import_"))
        #expect(run.errorLines[3].hasSuffix("inserted 6, duplicates skipped 1, rejected 3, blank 2"))

        // Strings come before ObjectIds in MongoDB's order; imported again, the ObjectId is a string.
        #expect(exported.status == 0)
        let ids = try exported.outputLines.map(exportedID)
        #expect(ids.prefix(5) == ["a", "b", "e", "f", "g"])
        #expect(ObjectID(hex: ids[5]) != nil)
        #expect(exported.outputLines.contains(#"{"_id":"e","active":false,"last_use":"2026-01-02T02:04:05.000Z"}"#))
        #expect(reimported.status == 0)
        #expect(again.outputLines.sorted() == exported.outputLines.sorted())
    }

    @Test func anUnreachableMongoDBStopsTheImportAfterTheLinesItSettled() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try MongoTestServer.startPrivate()
        let url = Self.url(server, "gone")
        server.stop()
        let lines = ["", " ", #"{"_id": "x1"}"#, #"{"_id": "x2"}"#, #"{"_id": "x3"}"#]

        let run = try CommandRun.run(
            ["import", "-", "--mongo-url", url],
            in: directory,
            input: Array(lines.joined(separator: "\n").utf8),
            environment: Self.outageEnvironment
        )

        #expect(run.status == 1)
        #expect(run.errors.contains(" failed at line "))
        #expect(run.errors.contains("session-broker: lines 1 to 2 are done (inserted, skipped or rejected)."))
        #expect(run.errors.contains("stopped: inserted 0, duplicates skipped 0, rejected 0, blank 2"))
    }

    @Test func aMongoDBOutageMidwayNamesTheLastLineDone() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try MongoTestServer.startPrivate()
        defer { server.stop() }
        let store = ["--mongo-url", Self.url(server, "midway")]
        let (running, input) = try CommandRun.start(["import", "-"] + store, in: directory)

        // The first ten lines go in while the server runs; an export shows when they are stored.
        input.write(Data((1...10).map { #"{"_id": "m\#($0)"}"# + "\n" }.joined().utf8))
        let deadline = Date(timeIntervalSinceNow: 60)
        var stored = 0
        while stored < 10, Date() < deadline {
            stored = try CommandRun.run(["export"] + store, in: directory).outputLines.count
        }
        #expect(stored == 10)

        // With the server gone, the next line stops the import.
        server.stop()
        input.write(Data((11...15).map { #"{"_id": "m\#($0)"}"# + "\n" }.joined().utf8))
        try input.close()
        let run = running.finish()

        #expect(run.status == 1)
        #expect(run.errors.contains("session-broker: lines 1 to 10 are done (inserted, skipped or rejected)."))
        #expect(run.errors.contains("stopped: inserted 10, duplicates skipped 0, rejected 0, blank 0"))
    }
}
