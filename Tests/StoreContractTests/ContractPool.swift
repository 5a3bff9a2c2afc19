import Foundation
import SessionCore

/// A pool on a collection no other test uses, so that tests can share one database.
func uniquePool(_ purpose: String) -> PoolConfiguration {
    let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    return PoolConfiguration(name: "contract", collection: "\(purpose)_\(suffix)")
}

/// A pool as ``uniquePool(_:)`` makes it, with settings of its own.
func uniquePool(
    _ purpose: String,
    configure: (inout PoolConfiguration) throws -> Void
) rethrows -> PoolConfiguration {
    var pool = uniquePool(purpose)
    try configure(&pool)
    return pool
}
