import Logging

/// Serialises responses into a connection's output buffer.
///
/// Every response goes out as `HTTP/1.1`, with `Content-Length` (except 204 and 304), the cached `Date` line and,
/// when the connection will close, `Connection: close`. Pipelined responses are appended one after another so that
/// they leave in one `send`.
enum HTTPResponseWriter {
    /// The interim response sent before reading the body of a request with `Expect: 100-continue`.
    static let continueResponse: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"

    /// Appends `HTTP/1.1 100 Continue`.
    static func appendContinue(to out: inout [UInt8]) {
        self.append(self.continueResponse, to: &out)
    }

    /// Appends one complete response.
    ///
    /// - Parameters:
    ///   - response: what the application answered.
    ///   - headOnly: the request was `HEAD`: write `Content-Length` for the body but not the body.
    ///   - keepAlive: whether the request and the server's state allow keeping the connection.
    ///   - announceKeepAlive: the request was HTTP/1.0, so a kept connection must say `Connection: keep-alive`.
    ///   - dateLine: the cached `Date` line.
    ///   - out: the output buffer.
    /// - Returns: whether the connection stays open after this response.
    static func append(
        _ response: HTTPResponse,
        headOnly: Bool,
        keepAlive: Bool,
        announceKeepAlive: Bool,
        dateLine: [UInt8],
        to out: inout [UInt8]
    ) -> Bool {
        precondition((200...999).contains(response.status), "response status \(response.status) is not 200...999")
        self.appendStatusLine(response.status, to: &out)

        var stayOpen = keepAlive && !response.closeConnection
        for (name, value) in response.headers {
            switch FramingField(name) {
            case .connection:
                if value.lowercased().contains("close") {
                    stayOpen = false
                }
            case .contentLength, .transferEncoding:
                break
            case nil:
                self.appendSanitized(name, to: &out)
                self.append(": ", to: &out)
                self.appendSanitized(value, to: &out)
                self.append("\r\n", to: &out)
            }
        }

        let hasBody = response.status != 204 && response.status != 304
        if hasBody {
            self.append("Content-Length: ", to: &out)
            self.appendDecimal(response.body.count, to: &out)
            self.append("\r\n", to: &out)
        }
        out.append(contentsOf: dateLine)
        if !stayOpen {
            self.append("Connection: close\r\n", to: &out)
        } else if announceKeepAlive {
            self.append("Connection: keep-alive\r\n", to: &out)
        }
        self.append("\r\n", to: &out)

        if hasBody && !headOnly {
            out.append(contentsOf: response.body)
        }
        return stayOpen
    }

    /// Appends an error response with the JSON body `{"error": code, "message": message}` and `Connection: close`.
    static func appendError(status: Int, code: String, message: String, dateLine: [UInt8], to out: inout [UInt8]) {
        _ = self.append(
            self.errorResponse(status: status, code: code, message: message),
            headOnly: false,
            keepAlive: false,
            announceKeepAlive: false,
            dateLine: dateLine,
            to: &out
        )
    }

    /// Builds an error response with the JSON body `{"error": code, "message": message}` that closes the connection.
    static func errorResponse(status: Int, code: String, message: String) -> HTTPResponse {
        var body = "{\"error\":"
        body += JSONText.quoted(code)
        body += ",\"message\":"
        body += JSONText.quoted(message)
        body += "}"
        return HTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json")],
            body: Array(body.utf8),
            closeConnection: true
        )
    }

    /// The reason phrase for `status`, or an empty phrase for codes without a registered one.
    static func reasonPhrase(_ status: Int) -> StaticString {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }

    /// The response fields that the server writes itself.
    private enum FramingField {
        case connection
        case contentLength
        case transferEncoding

        init?(_ name: String) {
            switch name.utf8.count {
            case 10 where name.lowercased() == "connection": self = .connection
            case 14 where name.lowercased() == "content-length": self = .contentLength
            case 17 where name.lowercased() == "transfer-encoding": self = .transferEncoding
            default: return nil
            }
        }
    }

    private static func appendStatusLine(_ status: Int, to out: inout [UInt8]) {
        self.append("HTTP/1.1 ", to: &out)
        self.appendDecimal(status, to: &out)
        out.append(UInt8(ascii: " "))
        self.append(self.reasonPhrase(status), to: &out)
        self.append("\r\n", to: &out)
    }

    @inline(__always)
    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `text`, turning CR, LF and NUL into spaces so that no value can start a new header line.
    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: text.utf8)
        for index in start..<out.count {
            let byte = out[index]
            if byte == HTTPSyntax.cr || byte == HTTPSyntax.lf || byte == 0 {
                out[index] = HTTPSyntax.space
            }
        }
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0, "negative length")
        var divisor = 1
        while divisor <= value / 10 {
            divisor *= 10
        }

        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
