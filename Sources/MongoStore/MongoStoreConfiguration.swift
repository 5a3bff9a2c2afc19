/// How the MongoDB store connects, and what it may do at start-up.
public struct MongoStoreConfiguration: Sendable, Equatable {
    /// A MongoDB connection string, such as `mongodb://127.0.0.1:27017/broker`.
    public var url: String
    /// The database holding the pools' collections; nil takes the one the URL names, else `broker`.
    public var database: String?
    /// How long an operation waits for a usable server before it fails as unavailable, unless the
    /// URL sets `serverSelectionTimeoutMS`.
    public var serverSelectionTimeoutMilliseconds: Int32 = 2000
    /// How long a connection may wait for a server's answer, unless the URL sets `socketTimeoutMS`.
    public var socketTimeoutMilliseconds: Int32 = 5000
    /// How long opening a connection may take, unless the URL sets `connectTimeoutMS`.
    public var connectTimeoutMilliseconds: Int32 = 2000
    /// How many operations run at once, each on its own client from the pool.
    public var maximumConnections = 16
    /// Whether `prepare` creates the indexes the lease needs.
    public var createIndexes = true
    /// The name servers see in their logs and `currentOp`.
    public var appName = "session-broker"

    public init(url: String) {
        self.url = url
    }
}
