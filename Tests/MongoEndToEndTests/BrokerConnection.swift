import TestSupport

/// One keep-alive connection to a broker, opened on first use and again after a failure.
///
/// NOT THREAD-SAFE: one per thread, like the `RawHTTPClient` it holds.
final class BrokerConnection {
    let port: Int
    private var client: RawHTTPClient?

    init(port: Int) {
        self.port = port
    }

    /// Sends one request and reads its answer; `json` goes with `Content-Type: application/json`.
    ///
    /// This method BLOCKS for at most `timeout`. A request is never sent twice: when the exchange
    /// fails, the connection is dropped and the error thrown.
    ///
    /// - Throws: `RawHTTPClientError`.
    func send(
        _ method: String,
        _ path: String,
        json: String? = nil,
        timeout: Duration = .seconds(10)
    ) throws -> RawHTTPResponse {
        let client = try self.client ?? RawHTTPClient.connect(port: self.port)
        self.client = client
        do {
            try client.send(
                RawHTTPClient.requestBytes(
                    method: method,
                    path: path,
                    headers: json == nil ? [] : [("Content-Type", "application/json")],
                    body: json.map { Array($0.utf8) }
                )
            )
            let response = try client.readResponse(timeout: timeout)
            if response.header("Connection")?.lowercased() == "close" {
                self.close()
            }
            return response
        } catch {
            self.close()
            throw error
        }
    }

    func close() {
        self.client?.close()
        self.client = nil
    }
}
