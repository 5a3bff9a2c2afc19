import Foundation
import Synchronization

/// A MongoDB server for tests: a real one named by `BROKER_TEST_MONGO_URL`, or else mongoeco, a
/// MongoDB-compatible server in pure Python that this type runs from `.venv-mongo/` on 127.0.0.1.
///
/// `scripts/install-mongo-test-server.sh` installs mongoeco; `make test` runs it first. A mongoeco
/// started here exits when `stop()` is called or, at the latest, when the test process exits.
public final class MongoTestServer: Sendable {
    /// mongodb://HOST:PORT (no database).
    public let url: String

    private let base: String
    private let options: String
    private let kind: Kind
    private let port: Int
    private let dataPath: String?
    // The running child, if any; the lock also serialises stop() and restart().
    private let child: Mutex<MongoTestServerProcess?>

    private enum Kind {
        case external
        case shared
        case owned
    }

    private init(url: String, kind: Kind, child: sending MongoTestServerProcess?, dataPath: String?) {
        let (base, options) = Self.split(url)
        self.base = base
        self.options = options
        self.url = options.isEmpty ? base : base + "/?" + options
        self.kind = kind
        self.port = child?.port ?? 0
        self.dataPath = dataPath
        self.child = Mutex(child)
    }

    private static let sharedServer = Result { try MongoTestServer.makeShared() }

    /// The server shared by this test process: BROKER_TEST_MONGO_URL when set, else a mongoeco
    /// started once on a free port.
    ///
    /// The first call BLOCKS while mongoeco starts (under a second, at most 30 seconds); later calls
    /// return the same server, or the same error. A database path in BROKER_TEST_MONGO_URL is ignored
    /// (name `authSource` in its options instead); its other options are kept.
    ///
    /// - Throws: `MongoTestServerError` when mongoeco is not installed or does not start.
    public static func shared() throws -> MongoTestServer {
        try self.sharedServer.get()
    }

    /// A private mongoeco this caller controls (never the external URL), e.g. for outage tests;
    /// `dataPath` keeps data across restart().
    ///
    /// This method BLOCKS while mongoeco starts (under a second, at most 30 seconds). Call `stop()`
    /// when done; otherwise the server lives until the test process exits.
    ///
    /// - Parameter dataPath: A SQLite file for mongoeco's data, or `nil` to keep the data in memory.
    /// - Throws: `MongoTestServerError` when mongoeco is not installed or does not start.
    public static func startPrivate(dataPath: String? = nil) throws -> MongoTestServer {
        let child = try MongoTestServerProcess.launch(port: 0, dataPath: dataPath)
        return MongoTestServer(url: Self.localURL(port: child.port), kind: .owned, child: child, dataPath: dataPath)
    }

    /// The URL with a database path: mongodb://HOST:PORT/<database>
    public func url(database: String) -> String {
        let path = self.base + "/" + database
        return self.options.isEmpty ? path : path + "?" + self.options
    }

    /// A database name unique to this call, e.g. "t_<prefix>_<pid>_<counter>", so tests never share collections.
    ///
    /// A tag of the process start time is added too, so that a database left behind on an external
    /// server by an earlier run with the same process ID is never reused. Characters of `prefix`
    /// other than ASCII letters, digits and `_` become `_`, and it is cut to 24 characters.
    public static func uniqueDatabaseName(_ prefix: String) -> String {
        let safe = String(prefix.prefix(24).map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        let number = self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        return "t_\(safe)_\(ProcessInfo.processInfo.processIdentifier)_\(self.runTag)_\(number)"
    }

    private static let counter = Atomic<Int>(0)

    private static let runTag = String(Int(Date().timeIntervalSince1970) % 1_679_616, radix: 36)

    /// The Python interpreter of the venv (with pymongo), for running scripts/seed-worker.py.
    public static var pythonPath: String {
        self.repositoryRoot + "/.venv-mongo/bin/python"
    }

    /// The repository root (found from #filePath), for locating scripts.
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .path
    }

    /// Stops a private server (SIGTERM, bounded wait, then SIGKILL); no-op for the shared external one.
    ///
    /// The shared mongoeco is not stopped either, since other tests use it. This method BLOCKS until
    /// the server has exited, for at most 15 seconds. Stopping a stopped server does nothing.
    public func stop() {
        guard case .owned = self.kind else {
            return
        }
        self.child.withLock { child in
            child?.stop()
            child = nil
        }
    }

    /// Freezes a private server with SIGSTOP, so that it hangs rather than refuses: connections stay
    /// open and new ones are still accepted by the kernel, but nothing is answered until `resume()`.
    ///
    /// `stop()` and `restart()` resume a frozen server before stopping it. Suspending a frozen or
    /// stopped server does nothing. Should the test process die first, the server still exits: it
    /// runs in a process group of its own, which the kernel wakes (SIGHUP, SIGCONT) once orphaned.
    ///
    /// - Precondition: The server comes from `startPrivate(dataPath:)`: the shared and external ones
    ///   serve other tests too.
    public func suspend() {
        guard case .owned = self.kind else {
            preconditionFailure("only a server from startPrivate() can be suspended")
        }
        self.child.withLock { child in
            child?.suspend()
        }
    }

    /// Lets a server frozen by `suspend()` answer again (SIGCONT); it serves the connections it
    /// accepted while frozen. Does nothing for a server that is not frozen, nor for the shared or
    /// external one.
    public func resume() {
        guard case .owned = self.kind else {
            return
        }
        self.child.withLock { child in
            child?.resume()
        }
    }

    /// Starts a stopped private server again on the same port (and same dataPath); throws if it cannot bind.
    ///
    /// A server still running is stopped first. This method BLOCKS while mongoeco starts (under a
    /// second, at most 30 seconds).
    ///
    /// - Throws: `MongoTestServerError` for the shared server, or when mongoeco does not start.
    public func restart() throws {
        guard case .owned = self.kind else {
            throw MongoTestServerError("only a server from startPrivate() can be restarted")
        }
        try self.child.withLock { child in
            child?.stop()
            child = nil
            child = try MongoTestServerProcess.launch(port: self.port, dataPath: self.dataPath)
        }
    }

    private static func makeShared() throws -> MongoTestServer {
        let external = ProcessInfo.processInfo.environment["BROKER_TEST_MONGO_URL"] ?? ""
        if !external.isEmpty {
            return MongoTestServer(url: external, kind: .external, child: nil, dataPath: nil)
        }

        let child = try MongoTestServerProcess.launch(port: 0, dataPath: nil)
        return MongoTestServer(url: Self.localURL(port: child.port), kind: .shared, child: child, dataPath: nil)
    }

    private static func localURL(port: Int) -> String {
        "mongodb://127.0.0.1:\(port)"
    }

    /// Splits a connection string into scheme with hosts, and its options, dropping any database path.
    private static func split(_ url: String) -> (base: String, options: String) {
        let schemeEnd = url.range(of: "://")?.upperBound ?? url.startIndex
        let hostsEnd = url[schemeEnd...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        let base = String(url[..<hostsEnd])
        guard let question = url[hostsEnd...].firstIndex(of: "?") else {
            return (base, "")
        }
        return (base, String(url[url.index(after: question)...]))
    }
}
