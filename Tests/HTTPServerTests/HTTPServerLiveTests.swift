import Dispatch
import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing

@Suite("HTTPServer live")
struct HTTPServerLiveTests {
    @Test func answersRequestsPipelinedWhileOneIsWithTheHandlerAndAHalfClose() throws {
        let handler = ParkingHandler()
        try withServer(handler: handler) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            // The first request is with the handler when the next ones, over 64 KiB of them, arrive;
            // the kernel's buffers hold what the server does not read ahead.
            try client.send(RawHTTPClient.requestBytes(path: "/first"))
            #expect(waitFor(handler.arrived))
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: 40_000)
            let rest = (0..<3).flatMap { _ in RawHTTPClient.requestBytes(method: "POST", path: "/next", body: body) }
            try client.send(rest)

            // Each request is answered in turn; the half-close after the last one ends the connection.
            for index in 0..<4 {
                if index > 0 {
                    #expect(waitFor(handler.arrived))
                }
                handler.respondAll(HTTPResponse(status: 200, body: Array("answer \(index)".utf8)))
                let response = try client.readResponse()
                #expect(response.bodyText == "answer \(index)")
                if index == 2 {
                    client.shutdownWrite()
                }
            }
            #expect(try client.readUntilClosed().closed)
            #expect(handler.requests == 4)
        }
    }

    @Test func servesManyRequestsOnOneKeepAliveConnection() throws {
        try withServer { port, server in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            for index in 0..<100 {
                let body = Array("body \(index)".utf8)
                let path = "/items/\(index)?n=\(index)"
                try client.send(RawHTTPClient.requestBytes(method: "POST", path: path, body: body))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("X-Path") == "/items/\(index)")
                #expect(response.header("X-Query") == "n=\(index)")
                #expect(response.header("X-Framing") == "contentLength")
                #expect(response.bodyText == "body \(index)")
                #expect(response.header("Connection") == nil)
                #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            }
            #expect(server.openConnections == 1)
        }
    }

    @Test func answersFromAnotherThread() throws {
        try withServer(handler: AsyncEchoHandler()) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            for index in 0..<20 {
                try client.send(RawHTTPClient.requestBytes(path: "/async/\(index)"))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyText == "GET /async/\(index)")
            }
        }
    }

    @Test func keepsPipelinedResponsesInRequestOrder() throws {
        let gates = (0..<50).map { _ in DispatchSemaphore(value: 0) }
        try withServer(handler: GatedHandler(gates: gates)) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            // All fifty requests leave in one write.
            let requests = (0..<50).flatMap { RawHTTPClient.requestBytes(path: "/p/\($0)") }
            try client.send(requests)

            // Odd requests are answered from other threads, the latest ones released first.
            for gate in gates.reversed() {
                gate.signal()
            }

            for index in 0..<50 {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("X-Path") == "/p/\(index)")
                #expect(response.bodyText == "GET /p/\(index)")
            }
        }
    }

    @Test func writesLargePipelinedResponsesUnderBackpressure() throws {
        struct LargeHandler: HTTPRequestHandler {
            func handle(_ request: HTTPRequest, responder: HTTPResponder) {
                let number = Int(request.path.split(separator: "/").last ?? "") ?? 0
                let response = HTTPResponse(status: 200, body: [UInt8](repeating: UInt8(number), count: 1 << 20))
                if number % 2 == 0 {
                    responder.respond(response)
                } else {
                    DispatchQueue.global().async { responder.respond(response) }
                }
            }
        }

        try withServer(handler: LargeHandler()) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            // Eight mebibytes of answers cannot fit in the socket buffers before the client starts reading.
            try client.send((0..<8).flatMap { RawHTTPClient.requestBytes(path: "/large/\($0)") })
            for index in 0..<8 {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.body.count == 1 << 20)
                #expect(response.body.allSatisfy { $0 == UInt8(index) })
            }
        }
    }

    @Test func answersHeadWithLengthButNoBody() throws {
        try withServer { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send(RawHTTPClient.requestBytes(method: "HEAD", path: "/thing"))
            let head = try client.readResponse(bodyExpected: false)
            #expect(head.status == 200)
            #expect(head.header("X-Method") == "HEAD")
            #expect(head.header("Content-Length") == String("HEAD /thing".utf8.count))
            #expect(head.body.isEmpty)

            // Had a body followed the head, it would be read as the next status line.
            try client.send(RawHTTPClient.requestBytes(path: "/after"))
            let next = try client.readResponse()
            #expect(next.status == 200)
            #expect(next.bodyText == "GET /after")
        }
    }

    @Test func sendsContinueBeforeReadingTheBody() throws {
        try withServer { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)

            try client.send("hello")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(final.bodyText == "hello")
        }
    }

    @Test func decodesChunkedRequestBodies() throws {
        try withServer { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }

            try client.send("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n")
            try client.send("5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("X-Framing") == "chunked")
            #expect(response.bodyText == "Wikipedia")
        }
    }

    @Test func closesHTTP10UnlessKeepAliveIsAsked() throws {
        try withServer { port, _ in
            let plain = try RawHTTPClient.connect(port: port)
            defer { plain.close() }
            try plain.send("GET /old HTTP/1.0\r\n\r\n")
            let first = try plain.readResponse()
            #expect(first.status == 200)
            #expect(first.header("Connection") == "close")
            #expect(try plain.readUntilClosed().closed)

            let kept = try RawHTTPClient.connect(port: port)
            defer { kept.close() }
            for index in 0..<3 {
                try kept.send("GET /old/\(index) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try kept.readResponse()
                #expect(response.header("Connection") == "keep-alive")
                #expect(response.bodyText == "GET /old/\(index)")
            }
        }
    }

    @Test func honoursConnectionCloseFromClientAndHandler() throws {
        try withServer { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }
            try client.send(RawHTTPClient.requestBytes(path: "/bye", headers: [("Connection", "close")]))
            let response = try client.readResponse()
            #expect(response.header("Connection") == "close")
            #expect(try client.readUntilClosed().closed)
        }

        struct ClosingHandler: HTTPRequestHandler {
            func handle(_ request: HTTPRequest, responder: HTTPResponder) {
                responder.respond(HTTPResponse(status: 200, body: Array("last".utf8), closeConnection: true))
            }
        }
        try withServer(handler: ClosingHandler()) { port, _ in
            let client = try RawHTTPClient.connect(port: port)
            defer { client.close() }
            try client.send(RawHTTPClient.requestBytes(path: "/x") + RawHTTPClient.requestBytes(path: "/never"))
            let response = try client.readResponse()
            #expect(response.bodyText == "last")
            #expect(response.header("Connection") == "close")
            let rest = try client.readUntilClosed()
            #expect(rest.closed)
            #expect(rest.bytes.isEmpty)
        }
    }

    @Test func answersManyConcurrentClients() throws {
        struct MixedHandler: HTTPRequestHandler {
            func handle(_ request: HTTPRequest, responder: HTTPResponder) {
                if request.path.hasSuffix("/async") {
                    AsyncEchoHandler().handle(request, responder: responder)
                } else {
                    EchoHandler().handle(request, responder: responder)
                }
            }
        }

        try withServer(handler: MixedHandler(), configure: { $0.eventLoops = 2 }) { port, _ in
            let failures = Mutex<[String]>([])
            let answered = Atomic<Int>(0)
            let done = DispatchGroup()

            for thread in 0..<32 {
                done.enter()
                Thread {
                    defer { done.leave() }
                    do {
                        let client = try RawHTTPClient.connect(port: port)
                        defer { client.close() }
                        for index in 0..<100 {
                            let path = "/t\(thread)/r\(index)" + (index % 3 == 0 ? "/async" : "")
                            let body = Array("\(thread)-\(index)".utf8)
                            try client.send(RawHTTPClient.requestBytes(method: "POST", path: path, body: body))
                            let response = try client.readResponse()
                            if response.status != 200 || response.body != body || response.header("X-Path") != path {
                                failures.withLock { $0.append("\(path): \(response.status) \(response.bodyText)") }
                            }
                            answered.add(1, ordering: .relaxed)
                        }
                    } catch {
                        failures.withLock { $0.append("thread \(thread): \(error)") }
                    }
                }.start()
            }

            #expect(done.wait(timeout: .now() + 60) == .success)
            #expect(failures.withLock { $0 } == [])
            #expect(answered.load(ordering: .relaxed) == 3200)
        }
    }
}
