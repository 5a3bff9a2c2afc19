import BrokerApp
import Testing

@Suite struct CommandLineArgumentsTests {
    @Test func importTakesOneFileOrStandardInputAndTheStoreFlags() throws {
        #expect(
            try CommandLineArguments.parse(["import", "pool.ndjson", "--pool", "tg", "--sqlite=a.db"])
                == .import(file: "pool.ndjson", flags: ["pool": "tg", "sqlite": "a.db"])
        )
        #expect(
            try CommandLineArguments.parse(["import", "--pool", "tg", "-"]) == .import(file: "-", flags: ["pool": "tg"])
        )
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["import"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["import", "a", "b"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["import", "a", "--port", "1"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["import", "a", "--output", "o"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["import", "-x"]) }
    }

    @Test func exportTakesAnOutputAndNoOperands() throws {
        #expect(
            try CommandLineArguments.parse(["export", "--output", "out.ndjson", "--mongo-url", "mongodb://h"])
                == .export(flags: ["output": "out.ndjson", "mongo-url": "mongodb://h"])
        )
        #expect(try CommandLineArguments.parse(["export"]) == .export(flags: [:]))
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["export", "out.ndjson"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["export", "--host", "::1"]) }
    }

    @Test func serveKeepsItsFlagsAndTakesNoOperandsOrBulkFlags() throws {
        #expect(try CommandLineArguments.parse(["--port", "1"]) == .serve(flags: ["port": "1"]))
        #expect(try CommandLineArguments.parse(["import", "--help"]) == .help)
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["serve", "file"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["serve", "--pool", "tg"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["-"]) }
    }
}
