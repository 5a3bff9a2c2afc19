import HTTPServer
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test func looksUpNamesWithoutRegardToCase() {
        let headers = HTTPHeaders([("Content-Type", "text/plain"), ("X-A", "1"), ("x-a", "2")])

        #expect(headers["content-type"] == "text/plain")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers["X-A"] == "1")
        #expect(headers.values(for: "x-A") == ["1", "2"])
        #expect(headers.contains("x-a"))
        #expect(!headers.contains("x-b"))
        #expect(headers["Content-Typ"] == nil)
    }

    @Test func keepsOrderWhenAppending() {
        var headers = HTTPHeaders()
        #expect(headers.isEmpty)

        headers.append(name: "B", value: "2")
        headers.append(name: "A", value: "1")

        #expect(headers.map { "\($0.name):\($0.value)" } == ["B:2", "A:1"])
        #expect(headers.count == 2)
    }

    @Test func derivesKeepAliveAndFramingForHandmadeRequests() {
        let closing = HTTPRequest(method: "GET", target: "/", headers: HTTPHeaders([("Connection", "close")]))
        #expect(!closing.keepAlive)
        #expect(closing.bodyFraming == .none)

        let old = HTTPRequest(method: "POST", target: "/", version: .http1_0, body: [1])
        #expect(!old.keepAlive)
        #expect(old.bodyFraming == .contentLength)
    }
}
