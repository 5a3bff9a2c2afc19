/// What the command line asks for.
public enum Command: Equatable, Sendable {
    case serve(flags: [String: String])
    case help
    case version
}

/// Parses `session-broker [serve] [--flag value | --flag=value]... | --help | --version`.
public enum CommandLineArguments {
    /// The flags `serve` takes, each with a value.
    public static let flags = [
        "host", "port", "config", "sqlite", "mongo-url", "mongo-database", "log-level", "log-format",
    ]

    /// - Throws: ``ConfigurationError`` for an unknown command or flag, or a flag without its value.
    public static func parse(_ arguments: [String]) throws(ConfigurationError) -> Command {
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            guard first == "serve" else {
                throw ConfigurationError(key: first, "unknown command; run session-broker --help")
            }
            rest = rest.dropFirst()
        }

        var flags: [String: String] = [:]
        while let argument = rest.popFirst() {
            switch argument {
            case "--help", "-h":
                return .help
            case "--version":
                return .version
            default:
                guard argument.hasPrefix("--") else {
                    throw ConfigurationError(key: argument, "unexpected argument; run session-broker --help")
                }
                var name = String(argument.dropFirst(2))
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                guard self.flags.contains(name) else {
                    throw ConfigurationError(key: "--\(name)", "unknown flag; run session-broker --help")
                }
                guard let flagValue = value ?? rest.popFirst() else {
                    throw ConfigurationError(key: "--\(name)", "needs a value")
                }
                flags[name] = flagValue
            }
        }
        return .serve(flags: flags)
    }

    public static let usage = """
        session-broker — leases sessions (accounts, cookies, tokens) to workers over HTTP.

        Usage:
          session-broker [serve] [flags]    run the service (the default command)
          session-broker --help             show this text
          session-broker --version          print the version

        Flags (each overrides its environment variable, which overrides the configuration file):
          --host HOST            address to listen on (BROKER_HOST; default 127.0.0.1)
          --port PORT            port to listen on, 0 for any free one (BROKER_PORT; default 8080)
          --config FILE          JSON configuration file (BROKER_CONFIG; default config/broker.json if present)
          --sqlite PATH          embedded store database, :memory: for none on disk
                                 (BROKER_SQLITE_PATH; default data/broker.sqlite3)
          --mongo-url URL        use the MongoDB store at this address (BROKER_MONGO_URL)
          --mongo-database NAME  MongoDB database (BROKER_MONGO_DATABASE; default: the URL's, else broker)
          --log-level LEVEL      trace, debug, info, notice, warning, error or critical (LOG_LEVEL; default info)
          --log-format FORMAT    logfmt or json (BROKER_LOG_FORMAT; default logfmt)

        Other environment: BROKER_SQLITE_SYNCHRONOUS (normal or full), BROKER_MONGO_CREATE_INDEXES
        (true or false), BROKER_MAX_CONNECTIONS, BROKER_EVENT_LOOPS. A bad setting stops start-up with a
        message naming it and exit code 64.
        """
}
