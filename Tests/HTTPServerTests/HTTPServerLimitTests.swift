import Dispatch
import Foundation
import HTTPServer
import TestSupport
import Testing

@Suite("HTTPServer limits")
struct HTTPServerLimitTests {
    /// Checks a JSON error response that closes the connection, then that the connection really closes.
    private func expectErrorAndClose(
        _ client: RawHTTPClient,
        status: Int,
        code: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let response = try client.readResponse()
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
        #expect(response.header("Connection") == "close", sourceLocation: sourceLocation)
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        #expect(json?["error"] == code, sourceLocation: sourceLocation)
        #expect(json?["message"]?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(try client.readUntilClosed().closed, sourceLocation: sourceLocation)
    }

    @Test func rejectsOversizedBodyBeforeReadingIt() throws {
        let handler = CountingHandler()
        try withServer(handler: handler, configure: { $0.maxBodyBytes = 1024 }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            // Only the head is sent: the answer must not wait for the body.
            try client.send("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 1025\r\n\r\n")
            try self.expectErrorAndClose(client, status: 413, code: "payload_too_large")
            #expect(handler.requests == 0)
        }
    }

    @Test func rejectsOversizedBodyWithoutContinue() throws {
        try withServer(configure: { $0.maxBodyBytes = 1024 }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("POST /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            try self.expectErrorAndClose(client, status: 413, code: "payload_too_large")
        }
    }

    @Test func rejectsOversizedChunkedBody() throws {
        try withServer(configure: { $0.maxBodyBytes = 8 }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n5\r\n")
            try self.expectErrorAndClose(client, status: 413, code: "payload_too_large")
        }
    }

    @Test func rejectsOverlongRequestLine() throws {
        try withServer(configure: { $0.maxRequestLineBytes = 256 }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("GET /\(String(repeating: "x", count: 300)) HTTP/1.1\r\nHost: h\r\n\r\n")
            try self.expectErrorAndClose(client, status: 414, code: "uri_too_long")
        }
    }

    @Test func rejectsOversizedHeaderBlock() throws {
        try withServer(configure: { $0.maxHeaderBytes = 512 }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            let fields = (0..<20).map { "X-Field-\($0): \(String(repeating: "v", count: 40))\r\n" }.joined()
            try client.send("GET / HTTP/1.1\r\nHost: h\r\n\(fields)\r\n")
            try self.expectErrorAndClose(client, status: 431, code: "request_header_fields_too_large")
        }
    }

    @Test func rejectsMalformedRequestsAndUnsupportedVersions() throws {
        let cases: [(String, Int, String)] = [
            ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "bad_request"),
            (
                "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                400,
                "bad_request"
            ),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "not_implemented"),
            ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "http_version_not_supported"),
        ]
        try withServer { port, _ in
            for (text, status, code) in cases {
                let client = try RawHTTPClient.connect(port: port)
                defer { client.close() }
                try client.send(text)
                try self.expectErrorAndClose(client, status: status, code: code)
            }
        }
    }

    @Test func answersPipelinedRequestsBeforeTheMalformedOne() throws {
        try withServer { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send(RawHTTPClient.requestBytes(path: "/ok") + Array("BROKEN\r\n\r\n".utf8))
            let first = try client.readResponse()
            #expect(first.status == 200)
            #expect(first.bodyText == "GET /ok")
            try self.expectErrorAndClose(client, status: 400, code: "bad_request")
        }
    }

    @Test func timesOutAnIncompleteHead() throws {
        let handler = CountingHandler()
        try withServer(handler: handler, configure: { $0.headerTimeout = .milliseconds(200) }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("GET /slow HTTP/1.1\r\nHost: h\r\n")
            try self.expectErrorAndClose(client, status: 408, code: "request_timeout")
            #expect(handler.requests == 0)
        }
    }

    @Test func timesOutAStalledBody() throws {
        let handler = CountingHandler()
        try withServer(handler: handler, configure: { $0.idleTimeout = .milliseconds(200) }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            try self.expectErrorAndClose(client, status: 408, code: "request_timeout")
            #expect(handler.requests == 0)
        }
    }

    @Test func closesIdleKeptAliveConnections() throws {
        try withServer(configure: { $0.idleTimeout = .milliseconds(200) }) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send(RawHTTPClient.requestBytes(path: "/once"))
            #expect(try client.readResponse().status == 200)

            let rest = try client.readUntilClosed(timeout: .seconds(10))
            #expect(rest.closed)
            #expect(rest.bytes.isEmpty)
        }
    }

    @Test func refusesConnectionsBeyondTheCap() throws {
        try withServer(configure: { $0.maxConnections = 2 }) { port, server in
            let first = try RawHTTPClient.connect(port: port)
            defer { first.close() }
            let second = try RawHTTPClient.connect(port: port)
            defer { second.close() }
            for client in [first, second] {
                try client.send(RawHTTPClient.requestBytes(path: "/held"))
                #expect(try client.readResponse().status == 200)
            }

            let third = try RawHTTPClient.connect(port: port)
            defer { third.close() }
            try self.expectErrorAndClose(third, status: 503, code: "too_many_connections")

            // The two admitted connections are still served.
            try first.send(RawHTTPClient.requestBytes(path: "/still"))
            #expect(try first.readResponse().bodyText == "GET /still")
            #expect(server.openConnections == 2)
        }
    }

    @Test func survivesAClientResetMidBody() throws {
        let handler = CountingHandler()
        try withServer(handler: handler) { port, _ in
            let quitter = try RawHTTPClient.connect(port: port)
            try quitter.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\npartial")
            quitter.reset()

            let response = try RawHTTPClient.request(port: port, path: "/after-reset")
            #expect(response.status == 200)
            #expect(response.bodyText == "GET /after-reset")
            #expect(handler.requests == 1)
        }
    }

    @Test func survivesAPeerThatLeavesBeforeItsResponse() throws {
        let handler = ParkingHandler()
        try withServer(handler: handler) { port, _ in
            let leaver = try RawHTTPClient.connect(port: port)
            try leaver.send(RawHTTPClient.requestBytes(path: "/leave"))
            #expect(waitFor(handler.arrived))
            leaver.close()

            // A large answer to a closed socket fails with EPIPE or ECONNRESET, never SIGPIPE.
            handler.respondAll(HTTPResponse(status: 200, body: [UInt8](repeating: 65, count: 1 << 20)))

            // Two requests in a row: the second is served after the loop has handled the dead write.
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }
            for index in 0..<2 {
                try client.send(RawHTTPClient.requestBytes(path: "/next/\(index)"))
                #expect(waitFor(handler.arrived))
                handler.respondAll(HTTPResponse(status: 200, body: Array("next \(index)".utf8)))
                #expect(try client.readResponse().bodyText == "next \(index)")
            }
        }
    }
}
