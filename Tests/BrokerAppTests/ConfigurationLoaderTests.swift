import BrokerApp
import Foundation
import SessionCore
import Testing

@Suite struct ConfigurationLoaderTests {
    /// Writes `text` to a fresh temporary file and returns its path.
    private func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "broker-config-\(UInt64.random(in: 0...UInt64.max)).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func error(flags: [String: String] = [:], environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try ConfigurationLoader.load(flags: flags, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func flagsOverrideEnvironmentWhichOverridesTheFile() throws {
        let path = try self.file(
            #"{"host": "127.0.0.2", "port": 1000, "log_level": "debug", "sqlite": {"path": "a.db"}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }

        let configuration = try ConfigurationLoader.load(
            flags: ["config": path, "port": "3000"],
            environment: ["BROKER_PORT": "2000", "BROKER_SQLITE_PATH": "b.db", "LOG_LEVEL": "WARNING"]
        )

        #expect(configuration.host == "127.0.0.2")
        #expect(configuration.port == 3000)
        #expect(configuration.sqlitePath == "b.db")
        #expect(configuration.logLevel == .warning)
    }

    @Test func readsPoolsWithFieldNamesPeriodsFilterAndProjection() throws {
        let path = try self.file(
            """
            // comments are allowed
            {
              "pools": {
                "default": {"collection": "sessions"},
                "tg": {
                  "collection": "telegram", "lock_time": {"minutes": 1}, "block_time": 7200, "next_use_delay": 0.5,
                  "fields": {"next_use": "nextUse", "active": "enabled"},
                  "filter": {"session.kind": {"$in": ["bot"]}}, "projection": ["session"]
                }
              }
            }
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }

        let configuration = try ConfigurationLoader.load(flags: ["config": path], environment: [:])

        #expect(configuration.pools.map(\.name) == ["default", "tg"])
        let telegram = configuration.pools[1]
        #expect(telegram.collection == "telegram")
        #expect(telegram.lockTime == .minutes(1))
        #expect(telegram.blockTime == .hours(2))
        #expect(telegram.nextUseDelay == Period(milliseconds: 500))
        #expect(telegram.fields.nextUse == "nextUse")
        #expect(telegram.fields.active == "enabled")
        #expect(telegram.filter.conditions.map(\.path.description) == ["session.kind"])
        #expect(telegram.projection == ["session"])
    }

    @Test func collectionsDefaultToThePoolNameExceptTheDefaultPoolsAndMayHoldDashesAndDots() throws {
        let path = try self.file(
            #"{"pools": {"default": {"lock_time": 60}, "tg": {}, "old": {"collection": "tg-sessions.v2"}}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }

        let configuration = try ConfigurationLoader.load(flags: ["config": path], environment: [:])

        #expect(configuration.pools.map(\.collection) == ["sessions", "tg", "tg-sessions.v2"])
    }

    @Test(arguments: [
        (#"{"port": 70000}"#, "port: must be from 0 to 65535"),
        (#"{"prot": 1}"#, "prot: unknown setting"),
        (
            #"{"log_level": "loud"}"#,
            #"log_level: "loud" is not one of trace, debug, info, notice, warning, error, critical"#
        ),
        (#"{"pools": {"a": {"lock_time": -1}}}"#, "pools.a.lock_time: must not be negative"),
        (
            #"{"pools": {"a": {"lock_time": {"hours": 1, "fortnights": 1}}}}"#,
            "pools.a.lock_time.fortnights: unknown unit; use one of weeks, days, hours, minutes, "
                + "seconds, milliseconds, microseconds"
        ),
        (#"{"pools": {"a b": {}}}"#, "pools.a b: pool names use 1 to 64 letters, digits, '_' or '-'"),
        (
            #"{"pools": {"a": {"collection": "x;drop"}}}"#,
            "pools.a.collection: use 1 to 64 letters, digits, '_', '-' or inner single dots, not starting with "
                + "sqlite_ or system and not ending in _documents, _ready_last_use, _ready_next_use"
        ),
        (#"{"pools": {"a": {"fields": {"active": "last_use"}}}}"#, "pools.a.fields: every field needs its own name"),
        (
            #"{"pools": {"a": {"filter": {"x": {"$gt": 1}}}}}"#,
            #"pools.a.filter: x: a filter value must be a string, number, boolean, null or {"$in": [...]}"#
        ),
        (#"{"pools": {}}"#, "pools: at least one pool is needed"),
        (
            #"{"pools": {"a": {"collection": "Sessions"}, "b": {"collection": "sessions"}}}"#,
            #"pools.b.collection: "sessions" and "Sessions" differ only in case"#
        ),
        (
            #"{"pools": {"a": {"collection": "x..y"}}}"#,
            "pools.a.collection: use 1 to 64 letters, digits, '_', '-' or inner single dots, not starting with "
                + "sqlite_ or system and not ending in _documents, _ready_last_use, _ready_next_use"
        ),
        (
            #"{"pools": {"a": {"collection": "x_documents"}}}"#,
            "pools.a.collection: use 1 to 64 letters, digits, '_', '-' or inner single dots, not starting with "
                + "sqlite_ or system and not ending in _documents, _ready_last_use, _ready_next_use"
        ),
        (#"{"http": {"idle_timeout": 0}}"#, "http.idle_timeout: must be longer than zero"),
        (#"{"sqlite": {"synchronous": "sometimes"}}"#, #"sqlite.synchronous: "sometimes" is not one of normal, full"#),
        ("[1]", "must be a JSON object"),
    ])
    func fileErrorsNameTheKey(text: String, message: String) throws {
        let path = try self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let error = try #require(self.error(flags: ["config": path]))

        #expect(error.description.hasSuffix(message), "\(error)")
    }

    @Test func environmentAndFlagErrorsNameTheVariableOrFlag() throws {
        let port = try #require(self.error(environment: ["BROKER_PORT": "eighty"]))
        #expect(port.key == "BROKER_PORT")

        let host = try #require(self.error(environment: ["BROKER_HOST": "not-a-host"]))
        #expect(host.key == "BROKER_HOST")
        #expect(try #require(self.error(flags: ["host": "999.1.1.1"])).key == "--host")
        #expect(try ConfigurationLoader.load(flags: ["host": "::1"], environment: [:]).host == "::1")

        let level = try #require(self.error(flags: ["log-level": "verbose"]))
        #expect(level.key == "--log-level")

        let missing = try #require(self.error(flags: ["config": "/nonexistent/broker.json"]))
        #expect(missing.key == "/nonexistent/broker.json")
        #expect(missing.message == "cannot read the configuration file")
    }

    @Test func commandLineParsesCommandsAndFlagForms() throws {
        #expect(try CommandLineArguments.parse([]) == .serve(flags: [:]))
        #expect(
            try CommandLineArguments.parse(["serve", "--port", "1", "--host=::1"])
                == .serve(flags: ["port": "1", "host": "::1"])
        )
        #expect(try CommandLineArguments.parse(["--help"]) == .help)
        #expect(try CommandLineArguments.parse(["--version"]) == .version)
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["--prot", "1"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["--port"]) }
        #expect(throws: ConfigurationError.self) { try CommandLineArguments.parse(["start"]) }
    }

    @Test func badConfigurationExitsWithUsageStatus() {
        #expect(BrokerMain.run(arguments: ["--port", "x"], environment: [:]) == 64)
        #expect(BrokerMain.run(arguments: ["--bogus"], environment: [:]) == 64)
        #expect(BrokerMain.run(arguments: ["--version"], environment: [:]) == 0)
    }
}
