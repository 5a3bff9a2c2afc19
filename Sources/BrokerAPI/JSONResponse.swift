import HTTPServer
import SessionCore

extension HTTPResponse {
    /// A response with a JSON body.
    static func json(_ status: Int, _ body: JSONObject, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body.serialized())
    }

    /// The JSON error body `{"error": …, "message": …}` with the error's status and headers.
    static func error(_ error: APIError) -> HTTPResponse {
        var response = HTTPResponse.json(
            error.status,
            JSONObject(["error": .string(error.code), "message": .string(error.message)]),
            headers: error.headers
        )
        response.closeConnection = error.closeConnection
        return response
    }
}
