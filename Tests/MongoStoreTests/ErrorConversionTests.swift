import CMongoC
import Foundation
import SessionCore
import TestSupport
import Testing

@testable import MongoStore

/// libmongoc's errors become the store's errors in one place; unreachable servers fail fast.
@Suite struct ErrorConversionTests {
    private func error(domain: mongoc_error_domain_t, code: UInt32, message: String = "") -> bson_error_t {
        var error = bson_error_t()
        error.domain = domain.rawValue
        error.code = code
        withUnsafeMutableBytes(of: &error.message) { bytes in
            for (index, byte) in message.utf8.prefix(bytes.count - 1).enumerated() {
                bytes[index] = byte
            }
        }
        return error
    }

    @Test(arguments: [
        (MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE.rawValue, StoreError.Code.unavailable),
        (MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET.rawValue, .unavailable),
        (MONGOC_ERROR_SERVER, 11000, .duplicateID),
        (MONGOC_ERROR_SERVER, 2, .invalidInput),
        (MONGOC_ERROR_SERVER, 28, .invalidInput),
        (MONGOC_ERROR_SERVER, 10107, .unavailable),
        (MONGOC_ERROR_SERVER, 18, .misconfigured),
        (MONGOC_ERROR_SERVER, 99_999, .internal),
        (MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue, .misconfigured),
        (MONGOC_ERROR_COMMAND, MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue, .invalidInput),
        (MONGOC_ERROR_BSON, 1, .invalidInput),
        (MONGOC_ERROR_CURSOR, 1, .internal),
    ])
    func domainsAndCodesMapToTheirMeaning(domain: mongoc_error_domain_t, code: UInt32, expected: StoreError.Code) {
        let converted = StoreError(mongo: self.error(domain: domain, code: code), operation: "lease")

        #expect(converted.code == expected)
        #expect(converted.rawCode == Int32(code))
    }

    @Test func theMessageIsReadUpToItsEndAndKeptForLogsOnly() {
        let converted = StoreError(
            mongo: self.error(domain: MONGOC_ERROR_STREAM, code: 4, message: "socket error on db1.internal:27017"),
            operation: "find"
        )

        #expect(converted.message == "find: socket error on db1.internal:27017")
    }

    @Test func aURLThatIsNotMongoDBIsAConfigurationError() {
        #expect {
            _ = try MongoSessionStore(configuration: MongoStoreConfiguration(url: "http://127.0.0.1/"))
        } throws: { error in
            (error as? StoreError)?.code == .misconfigured
        }
    }

    @Test func anUnreachableServerAnswersUnavailableAndLaterCallsFailWithoutWaiting() async throws {
        let port = try Self.closedPort()
        var configuration = MongoStoreConfiguration(url: "mongodb://127.0.0.1:\(port)/unreachable")
        configuration.serverSelectionTimeoutMilliseconds = 300
        let store = try MongoSessionStore(configuration: configuration)
        defer { store.close() }
        let pool = testPool("unreachable")

        for _ in 0..<3 {
            await #expect {
                _ = try await store.lease(in: pool)
            } throws: { error in
                (error as? StoreError)?.code == .unavailable
            }
        }
        await #expect {
            try await store.checkHealth()
        } throws: { error in
            (error as? StoreError)?.code == .unavailable
        }
    }

    /// A loopback port nothing listens on: bound, then released.
    private static func closedPort() throws -> Int {
        try #require(LoopbackPort.free())
    }
}
