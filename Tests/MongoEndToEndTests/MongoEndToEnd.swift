import Foundation
import Testing

/// The broker executable against MongoDB, end to end: several brokers on one database, a broker
/// beside a worker of the seed library, and a database that goes away and comes back.
///
/// The tests run one at a time, so that the latencies they measure are not those of a machine busy
/// with the other tests' servers.
@Suite(.serialized) struct MongoEndToEnd {
    /// A new empty directory for a broker to run in, so that no `config/broker.json` is picked up.
    static func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
