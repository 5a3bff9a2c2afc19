// swift-tools-version:6.0
import PackageDescription

// Targets follow the direction of dependencies: the HTTP server knows nothing of sessions, the
// session core knows nothing of HTTP or of stores, each store is the only importer of its C
// library, and the executable only parses its command line and hands over to BrokerApp.
let package = Package(
    name: "session-broker",
    products: [
        .executable(name: "session-broker", targets: ["session-broker"])
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CMongoC",
            pkgConfig: "libmongoc-1.0",
            providers: [.apt(["libmongoc-dev", "libbson-dev"])]
        ),
        .systemLibrary(name: "CEpoll"),
        .target(name: "Logging"),
        .target(name: "HTTPServer", dependencies: ["CEpoll", "Logging"]),
        .target(name: "SessionCore"),
        .target(name: "SQLiteStore", dependencies: ["CSQLite", "SessionCore", "Logging"]),
        .target(name: "MongoStore", dependencies: ["CMongoC", "SessionCore", "Logging"]),
        .target(name: "BrokerAPI", dependencies: ["HTTPServer", "SessionCore", "Logging"]),
        .target(
            name: "BrokerApp",
            dependencies: ["BrokerAPI", "HTTPServer", "SessionCore", "SQLiteStore", "MongoStore", "Logging"]
        ),
        .executableTarget(name: "session-broker", dependencies: ["BrokerApp"]),
        .target(name: "TestSupport", dependencies: ["SessionCore"], path: "Sources/TestSupport"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Logging", "TestSupport"]),
        .testTarget(name: "SessionCoreTests", dependencies: ["SessionCore", "TestSupport"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore", "SessionCore", "TestSupport"]),
        .testTarget(
            name: "BrokerAPITests",
            dependencies: ["BrokerAPI", "BrokerApp", "HTTPServer", "SessionCore", "SQLiteStore", "TestSupport"]
        ),
        .testTarget(
            name: "StoreContractTests",
            dependencies: ["SessionCore", "SQLiteStore", "MongoStore", "TestSupport"]
        ),
        .testTarget(name: "MongoStoreTests", dependencies: ["MongoStore", "CMongoC", "SessionCore", "TestSupport"]),
        .testTarget(name: "MongoEndToEndTests", dependencies: ["SessionCore", "TestSupport"]),
        .testTarget(name: "BrokerAppTests", dependencies: ["BrokerApp", "TestSupport"]),
        .testTarget(name: "PackagingTests", dependencies: ["TestSupport"]),
    ]
)
