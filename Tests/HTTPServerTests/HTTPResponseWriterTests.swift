import Testing

@testable import HTTPServer

@Suite("HTTPResponseWriter")
struct HTTPResponseWriterTests {
    private let dateLine = Array("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n".utf8)

    private func write(
        _ response: HTTPResponse,
        headOnly: Bool = false,
        keepAlive: Bool = true,
        announceKeepAlive: Bool = false
    ) -> (text: String, stayOpen: Bool) {
        var out: [UInt8] = []
        let stayOpen = HTTPResponseWriter.append(
            response,
            headOnly: headOnly,
            keepAlive: keepAlive,
            announceKeepAlive: announceKeepAlive,
            dateLine: self.dateLine,
            to: &out
        )
        return (String(decoding: out, as: UTF8.self), stayOpen)
    }

    @Test func writesStatusHeadersLengthDateAndBody() {
        let (text, stayOpen) = self.write(
            HTTPResponse(status: 201, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
        )

        #expect(
            text == "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n{}"
        )
        #expect(stayOpen)
    }

    @Test func writesLengthButNoBodyForHead() {
        let (text, _) = self.write(HTTPResponse(status: 200, body: Array("hello".utf8)), headOnly: true)

        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    }

    @Test func writesNeitherLengthNorBodyFor204() {
        let (text, _) = self.write(HTTPResponse(status: 204, body: Array("ignored".utf8)))

        #expect(text == "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    }

    @Test func announcesCloseAndHTTP10KeepAlive() {
        let closing = self.write(HTTPResponse(status: 200), keepAlive: false)
        #expect(closing.text.contains("\r\nConnection: close\r\n"))
        #expect(!closing.stayOpen)

        let flagged = self.write(HTTPResponse(status: 200, closeConnection: true))
        #expect(flagged.text.contains("\r\nConnection: close\r\n"))
        #expect(!flagged.stayOpen)

        let old = self.write(HTTPResponse(status: 200), announceKeepAlive: true)
        #expect(old.text.contains("\r\nConnection: keep-alive\r\n"))
        #expect(old.stayOpen)
    }

    @Test func replacesFramingFieldsAndNeutralisesLineBreaks() {
        let (text, stayOpen) = self.write(
            HTTPResponse(
                status: 200,
                headers: [
                    ("content-length", "999"), ("Transfer-Encoding", "chunked"), ("Connection", "Close"),
                    ("Location", "/a\r\nSet-Cookie: x=1"),
                ],
                body: Array("ok".utf8)
            )
        )

        #expect(
            text == "HTTP/1.1 200 OK\r\nLocation: /a  Set-Cookie: x=1\r\nContent-Length: 2\r\n"
                + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\nok"
        )
        #expect(!stayOpen)
    }

    @Test func buildsJSONErrorBodies() {
        let response = HTTPResponseWriter.errorResponse(
            status: 413,
            code: "payload_too_large",
            message: "Too \"big\"."
        )

        #expect(response.status == 413)
        #expect(response.closeConnection)
        #expect(response.headers.first { $0.0 == "Content-Type" }?.1 == "application/json")
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body == #"{"error":"payload_too_large","message":"Too \"big\"."}"#)
    }

    @Test func formatsIMFFixdate() {
        let line = HTTPDateCache.format(epochSeconds: 784_111_777)

        #expect(String(decoding: line, as: UTF8.self) == "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
        let epoch = HTTPDateCache.format(epochSeconds: 0)
        #expect(String(decoding: epoch, as: UTF8.self) == "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n")
    }
}
