/// What the command line asks for.
public enum Command: Equatable, Sendable {
    case serve(flags: [String: String])
    /// Load the NDJSON documents of `file` (`-` for standard input) into a pool.
    case `import`(file: String, flags: [String: String])
    /// Write the documents of a pool as NDJSON.
    case export(flags: [String: String])
    case help
    case version
}

/// Parses `session-broker [serve | import FILE | export] [--flag value | --flag=value]... | --help | --version`.
public enum CommandLineArguments {
    /// The flags `serve` takes, each with a value.
    public static let flags = [
        "host", "port", "config", "sqlite", "mongo-url", "mongo-database", "log-level", "log-format",
    ]

    /// The flags `serve` takes without a value, which then stands as `true`; `--flag=false` is allowed too.
    public static let switches = ["allow-open-access"]

    /// The flags `import` and `export` take to choose the store and the pools, each with a value.
    public static let storeFlags = ["config", "sqlite", "mongo-url", "mongo-database", "log-level", "log-format"]

    /// The flags `command` takes with a value; nil for an unknown command.
    static func flags(of command: String) -> [String]? {
        switch command {
        case "serve": self.flags
        case "import": self.storeFlags + ["pool"]
        case "export": self.storeFlags + ["pool", "output"]
        default: nil
        }
    }

    /// - Throws: ``ConfigurationError`` for an unknown command or flag, a flag without its value, or
    ///   operands the command does not take.
    public static func parse(_ arguments: [String]) throws(ConfigurationError) -> Command {
        var rest = arguments[...]
        var command = "serve"
        if let first = rest.first, !first.hasPrefix("-") {
            command = first
            rest = rest.dropFirst()
        }
        guard let valueFlags = self.flags(of: command) else {
            throw ConfigurationError(key: command, "unknown command; run session-broker --help")
        }
        let switches = command == "serve" ? self.switches : []

        var flags: [String: String] = [:]
        var operands: [String] = []
        while let argument = rest.popFirst() {
            switch argument {
            case "--help", "-h":
                return .help
            case "--version":
                return .version
            case "-":
                operands.append(argument)
            default:
                guard argument.hasPrefix("--") else {
                    guard !argument.hasPrefix("-") else {
                        throw ConfigurationError(key: argument, "unexpected argument; run session-broker --help")
                    }
                    operands.append(argument)
                    continue
                }
                var name = String(argument.dropFirst(2))
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                if switches.contains(name) {
                    flags[name] = value ?? "true"
                    continue
                }
                guard valueFlags.contains(name) else {
                    let context = command == "serve" ? "" : " for \(command)"
                    throw ConfigurationError(key: "--\(name)", "unknown flag\(context); run session-broker --help")
                }
                guard let flagValue = value ?? rest.popFirst() else {
                    throw ConfigurationError(key: "--\(name)", "needs a value")
                }
                flags[name] = flagValue
            }
        }
        return try self.command(command, flags: flags, operands: operands)
    }

    private static func command(
        _ name: String,
        flags: [String: String],
        operands: [String]
    ) throws(ConfigurationError) -> Command {
        if name == "import" {
            guard operands.count == 1 else {
                let problem = operands.isEmpty ? "needs a FILE, or - for standard input" : "takes one FILE"
                throw ConfigurationError(key: "import", problem)
            }
            return .import(file: operands[0], flags: flags)
        }
        if let operand = operands.first {
            throw ConfigurationError(key: operand, "unexpected argument; run session-broker --help")
        }
        return name == "export" ? .export(flags: flags) : .serve(flags: flags)
    }

    public static let usage = """
        session-broker — leases sessions (accounts, cookies, tokens) to workers over HTTP.

        Usage:
          session-broker [serve] [flags]              run the service (the default command)
          session-broker import FILE [flags]          load NDJSON documents from FILE, or - for standard input
          session-broker export [flags]               write a pool's documents as NDJSON
          session-broker --help                       show this text
          session-broker --version                    print the version

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
          --allow-open-access    serve without access tokens on an address other than loopback
                                 (BROKER_ALLOW_OPEN_ACCESS=true)

        Other environment: BROKER_SQLITE_SYNCHRONOUS (normal or full), BROKER_MONGO_CREATE_INDEXES
        (true or false), BROKER_MAX_CONNECTIONS, BROKER_EVENT_LOOPS, BROKER_TOKENS (role:token pairs separated
        by commas; roles worker, admin, metrics), BROKER_METRICS_CACHE_SECONDS (how long /stats serves the
        pools' figures; default 5). A bad setting stops start-up with a message naming it and exit code 64.

        import and export choose the store and the pools as serve does (--config, --sqlite, --mongo-url,
        --mongo-database, --log-level, --log-format, their environment variables and the file), and take:
          --pool NAME            the pool to load or write (default: default)
          --output FILE          export: the file to write, readable by its owner only (default: standard output)
        import checks each line as POST /sessions checks a body and inserts it through the store: blank lines
        are skipped, documents whose _id is taken are skipped as duplicates, and rejected lines are listed on
        standard error with their numbers. export writes every document of the pool, switched-off ones
        included, in _id order. Exit status: 0 when all went well (duplicates included), 2 when import
        rejected lines, 1 when the store or a file failed, 64 for a bad command line or configuration.
        """
}
