import SessionCore

extension Configuration {
    /// The pool that `--pool` names, or the pool named `default` when no name is given.
    ///
    /// - Throws: ``ConfigurationError`` naming `--pool` and the pools there are.
    func pool(named name: String?) throws(ConfigurationError) -> PoolConfiguration {
        let wanted = name ?? PoolConfiguration.default.name
        guard let pool = self.pools.first(where: { $0.name == wanted }) else {
            let known = self.pools.map(\.name).joined(separator: ", ")
            throw ConfigurationError(key: "--pool", "no pool is named \"\(wanted)\"; the pools are \(known)")
        }
        return pool
    }
}
