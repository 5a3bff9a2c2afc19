import Dispatch
import Foundation
import HTTPServer
import Logging
import TestSupport
import Testing

@Suite("HTTPServer lifecycle")
struct HTTPServerLifecycleTests {
    private func makeServer(
        handler: any HTTPRequestHandler,
        logs: SignallingLogHandler,
        configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) -> HTTPServer {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configure(&configuration)
        return HTTPServer(
            configuration: configuration,
            handler: handler,
            logger: Logger(label: "http-test", level: .debug, handler: logs)
        )
    }

    @Test func shutdownLetsAnInFlightRequestFinish() throws {
        let handler = ParkingHandler()
        let logs = SignallingLogHandler(signallingOn: "event loop draining")
        let server = self.makeServer(handler: handler, logs: logs)
        let port = try server.start()

        // A request is with the handler when shutdown starts.
        let client = try RawHTTPClient.connect(port: port)
        defer { client.close() }
        try client.send(RawHTTPClient.requestBytes(path: "/slow"))
        #expect(waitFor(handler.arrived))

        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.shutdown(drainTimeout: .seconds(10))
            stopped.signal()
        }.start()
        #expect(waitFor(logs.signalled))

        // The answer given after shutdown began still reaches the client, which is then disconnected.
        handler.respondAll(HTTPResponse(status: 200, body: Array("late".utf8)))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyText == "late")
        #expect(response.header("Connection") == "close")
        #expect(try client.readUntilClosed().closed)
        client.close()

        #expect(waitFor(stopped))
        #expect(server.openConnections == 0)
        #expect(throws: RawHTTPClientError.self) { try RawHTTPClient.connect(port: port) }
        #expect(logs.errors.isEmpty)
    }

    @Test func shutdownLetsARequestStillArrivingFinish() throws {
        let logs = SignallingLogHandler(signallingOn: "event loop draining")
        let server = self.makeServer(handler: EchoHandler(), logs: logs)
        let port = try server.start()

        // The head is in and acknowledged with 100 Continue; the body has not been sent yet.
        let client = try RawHTTPClient.connect(port: port)
        defer { client.close() }
        try client.send("PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readResponse(bodyExpected: false).status == 100)

        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.shutdown(drainTimeout: .seconds(10))
            stopped.signal()
        }.start()
        #expect(waitFor(logs.signalled))

        // The body sent after shutdown began completes the request, which is answered before the close.
        try client.send("hello")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyText.hasSuffix("hello"))
        #expect(response.header("Connection") == "close")
        #expect(try client.readUntilClosed().closed)
        #expect(waitFor(stopped))
        #expect(logs.errors.isEmpty)
    }

    @Test func shutdownForceClosesAtTheDeadline() throws {
        let handler = ParkingHandler()
        let logs = SignallingLogHandler()
        let server = self.makeServer(handler: handler, logs: logs)
        let port = try server.start()

        let client = try RawHTTPClient.connect(port: port)
        defer { client.close() }
        try client.send(RawHTTPClient.requestBytes(path: "/never"))
        #expect(waitFor(handler.arrived))

        server.shutdown(drainTimeout: .milliseconds(200))
        let rest = try client.readUntilClosed()
        #expect(rest.closed)
        #expect(rest.bytes.isEmpty)

        // Answering after the connection is gone does nothing.
        handler.respondAll(HTTPResponse(status: 200))
        #expect(logs.errors.isEmpty)
    }

    @Test func shutdownClosesIdleConnectionsAndIsIdempotent() throws {
        let logs = SignallingLogHandler()
        let server = self.makeServer(handler: EchoHandler(), logs: logs, configure: { $0.eventLoops = 3 })
        let port = try server.start()

        let client = try RawHTTPClient.connect(port: port)
        defer { client.close() }
        try client.send(RawHTTPClient.requestBytes(path: "/x"))
        #expect(try client.readResponse().status == 200)

        server.shutdown(drainTimeout: .seconds(5))
        #expect(try client.readUntilClosed().closed)
        server.shutdown(drainTimeout: .seconds(5))
        #expect(server.openConnections == 0)
    }

    @Test func refusesToStartTwice() throws {
        let server = self.makeServer(handler: EchoHandler(), logs: SignallingLogHandler())
        _ = try server.start()
        defer { server.shutdown(drainTimeout: .seconds(1)) }

        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .alreadyStarted)
    }

    @Test func reportsAnAddressInUse() throws {
        let first = self.makeServer(handler: EchoHandler(), logs: SignallingLogHandler())
        let port = try first.start()
        defer { first.shutdown(drainTimeout: .seconds(1)) }

        let second = self.makeServer(handler: EchoHandler(), logs: SignallingLogHandler()) { $0.port = port }
        let error = try #require(throws: HTTPServerError.self) { try second.start() }
        #expect(error.code == .addressInUse)
        #expect(error.errno == EADDRINUSE)
        #expect(error.function == "bind")
    }

    @Test func rejectsInvalidConfiguration() throws {
        let badPort = self.makeServer(handler: EchoHandler(), logs: SignallingLogHandler()) { $0.port = 70000 }
        #expect(throws: HTTPServerError.self) { try badPort.start() }

        let badHost = self.makeServer(handler: EchoHandler(), logs: SignallingLogHandler()) { $0.host = "not-an-ip" }
        let error = try #require(throws: HTTPServerError.self) { try badHost.start() }
        #expect(error.code == .invalidAddress)
    }
}
