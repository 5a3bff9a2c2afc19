import SessionCore
import Synchronization

/// The tables prepared at start-up, by collection name.
final class TableRegistry: Sendable {
    private let tables = Mutex([String: SessionTable]())

    func register(_ table: SessionTable, for collection: String) {
        self.tables.withLock { $0[collection] = table }
    }

    /// The table of `pool`. Pools are all prepared at start-up, so a missing one is a programmer error.
    func table(for pool: PoolConfiguration) -> SessionTable {
        guard let table = self.tables.withLock({ $0[pool.collection] }) else {
            preconditionFailure("pool \(pool.name) was not prepared")
        }
        return table
    }
}
