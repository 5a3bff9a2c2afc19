import SessionCore

extension SessionStore {
    /// Awaits ``SessionStore/checkHealth(completion:)``.
    public func checkHealth() async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            self.checkHealth { continuation.resume(returning: $0) }
        }
        try result.get()
    }
}
