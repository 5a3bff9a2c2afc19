import Testing

@testable import HTTPServer

@Suite("HTTPRequestParser")
struct HTTPRequestParserTests {
    @Test func parsesSimpleGet() throws {
        var parser = parser(feeding: "GET /healthz HTTP/1.1\r\nHost: example\r\n\r\n")

        let request = try #require(parser.next().request)
        #expect(request.method == "GET")
        #expect(request.target == "/healthz")
        #expect(request.path == "/healthz")
        #expect(request.query == nil)
        #expect(request.version == .http1_1)
        #expect(request.headers["host"] == "example")
        #expect(request.body.isEmpty)
        #expect(request.bodyFraming == .none)
        #expect(request.keepAlive)
        #expect(parser.next().isNeedMoreData)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func splitsTargetIntoPathAndQueryWithoutDecoding() throws {
        var parser = parser(feeding: "GET /pools/a%2Fb/sessions?limit=10&after=x HTTP/1.1\r\nHost: h\r\n\r\n")

        let request = try #require(parser.next().request)
        #expect(request.target == "/pools/a%2Fb/sessions?limit=10&after=x")
        #expect(request.path == "/pools/a%2Fb/sessions")
        #expect(request.query == "limit=10&after=x")
    }

    @Test func keepsHeaderOrderDuplicatesAndTrimsWhitespace() throws {
        var parser = parser(
            feeding: "POST /x HTTP/1.1\r\nHost: h\r\nX-Tag:  one \t\r\nx-tag:two\r\nContent-Type: application/json\r\n"
                + "Empty:\r\n\r\n"
        )

        let request = try #require(parser.next().request)
        let pairs = request.headers.map { "\($0.name)=\($0.value)" }
        #expect(pairs == ["Host=h", "X-Tag=one", "x-tag=two", "Content-Type=application/json", "Empty="])
        #expect(request.headers["X-TAG"] == "one")
        #expect(request.headers.values(for: "x-tag") == ["one", "two"])
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["Empty"] == "")
        #expect(request.headers["Missing"] == nil)
        #expect(request.headers.count == 5)
    }

    @Test func readsContentLengthBody() throws {
        var parser = parser(feeding: "POST /sessions HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")

        let request = try #require(parser.next().request)
        #expect(request.method == "POST")
        #expect(request.body == Array("hello world".utf8))
        #expect(request.bodyFraming == .contentLength)
        #expect(parser.next().isNeedMoreData)
    }

    @Test func reportsZeroContentLengthAsContentLengthFraming() throws {
        var parser = parser(feeding: "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")

        let request = try #require(parser.next().request)
        #expect(request.body.isEmpty)
        #expect(request.bodyFraming == .contentLength)
    }

    @Test func decodesChunkedBodyWithExtensionsAndTrailers() throws {
        var parser = parser(
            feeding: "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1 ; x\r\n \r\nA\r\n0123456789\r\n0\r\nX-Checksum: abc\r\n\r\n"
        )

        let request = try #require(parser.next().request)
        #expect(request.body == Array("hello 0123456789".utf8))
        #expect(request.bodyFraming == .chunked)
        #expect(parser.next().isNeedMoreData)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func decodesChunkedBodyFedByteByByte() throws {
        let bytes = Array(
            ("POST /chunks HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n").utf8
        )
        var parser = HTTPRequestParser()

        for byte in bytes.dropLast() {
            parser.append([byte])
            #expect(parser.next().isNeedMoreData)
        }
        parser.append([bytes.last!])

        let request = try #require(parser.next().request)
        #expect(request.target == "/chunks")
        #expect(request.body == Array("abc0123456789abcdef".utf8))
    }

    @Test func readsContentLengthRequestFedByteByByte() throws {
        let bytes = Array("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody".utf8)
        var parser = HTTPRequestParser()

        for byte in bytes.dropLast() {
            parser.append([byte])
            #expect(parser.next().isNeedMoreData)
        }
        parser.append([bytes.last!])

        let request = try #require(parser.next().request)
        #expect(request.method == "PUT")
        #expect(request.body == Array("body".utf8))
    }

    @Test func returnsPipelinedRequestsInOrder() throws {
        var parser = parser(
            feeding: "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "DELETE /3 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /4 HTTP/1.1\r\nHo"
        )

        #expect(try #require(parser.next().request).target == "/1")
        let second = try #require(parser.next().request)
        #expect(second.target == "/2")
        #expect(second.body == Array("abc".utf8))
        #expect(try #require(parser.next().request).method == "DELETE")
        #expect(parser.next().isNeedMoreData)
        #expect(parser.isReadingHead == true)

        parser.append(Array("st: h\r\n\r\n".utf8))
        #expect(try #require(parser.next().request).target == "/4")
    }

    @Test func toleratesEmptyLinesBeforeRequestLine() throws {
        var parser = parser(feeding: "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")

        #expect(try #require(parser.next().request).target == "/")
    }

    @Test func reportsContinueOnceBeforeTheBody() throws {
        var parser = parser(feeding: "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n")

        #expect(parser.next().isContinueRequired)
        #expect(parser.next().isNeedMoreData)
        #expect(parser.isReadingBody == true)

        parser.append(Array("ok".utf8))
        #expect(try #require(parser.next().request).body == Array("ok".utf8))
    }

    @Test func skipsContinueWhenTheBodyIsAlreadyThereOrVersionIsOld() throws {
        var early = parser(feeding: "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
        #expect(try #require(early.next().request).body == Array("ok".utf8))

        var old = parser(feeding: "PUT /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(old.next().isNeedMoreData)

        var empty = parser(feeding: "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")
        #expect(try #require(empty.next().request).body.isEmpty)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\n\r\n", true),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false),
    ])
    func decidesKeepAliveFromVersionAndConnection(text: String, keepAlive: Bool) throws {
        var parser = parser(feeding: text)

        let request = try #require(parser.next().request)
        #expect(request.keepAlive == keepAlive)
    }

    @Test func acceptsHTTP10WithoutHost() throws {
        var parser = parser(feeding: "GET /old HTTP/1.0\r\n\r\n")

        let request = try #require(parser.next().request)
        #expect(request.version == .http1_0)
    }

    @Test func rejectsOversizedContentLengthBeforeAnyBodyByte() throws {
        var parser = parser(feeding: "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1025\r\n\r\n", maxBodyBytes: 1024)

        #expect(parser.next().error == .payloadTooLarge)
        #expect(parser.next().error == .payloadTooLarge)
    }

    @Test func rejectsOverlongRequestLineBeforeItEnds() throws {
        var parser = HTTPRequestParser(maxRequestLineBytes: 100)

        parser.append(Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 95))
        #expect(parser.next().isNeedMoreData)
        parser.append([UInt8(ascii: "a"), UInt8(ascii: "a")])
        #expect(parser.next().error == .uriTooLong)
    }

    @Test func acceptsRequestLineExactlyAtTheLimit() throws {
        let line = "GET /" + String(repeating: "a", count: 86) + " HTTP/1.1"
        #expect(line.utf8.count == 100)
        var parser = parser(feeding: line + "\r\nHost: h\r\n\r\n", maxRequestLineBytes: 100)

        #expect(parser.next().request != nil)
    }

    @Test func rejectsOversizedHeaderBlockBeforeItEnds() throws {
        var parser = HTTPRequestParser(maxHeaderBytes: 64)

        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\nX-Long: ".utf8))
        #expect(parser.next().isNeedMoreData)
        parser.append([UInt8](repeating: UInt8(ascii: "v"), count: 64))
        #expect(parser.next().error == .headerFieldsTooLarge)
    }

    @Test func rejectsChunkedBodyOnceTheSumExceedsTheLimit() throws {
        var parser = parser(
            feeding: "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n9\r\n",
            maxBodyBytes: 16
        )

        #expect(parser.next().error == .payloadTooLarge)
    }

    @Test func growsTheBufferForALargeBody() throws {
        let body = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        var parser = HTTPRequestParser()
        parser.append(Array("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        #expect(parser.next().isNeedMoreData)

        parser.append(body[..<100_000])
        #expect(parser.next().isNeedMoreData)
        parser.append(body[100_000...])

        #expect(try #require(parser.next().request).body == body)
    }

    @Test(arguments: ParseErrorCase.all)
    func rejectsInvalidRequests(_ errorCase: ParseErrorCase) {
        var parser = parser(
            feeding: errorCase.text,
            maxRequestLineBytes: 64,
            maxHeaderBytes: 128,
            maxBodyBytes: 32
        )

        let error = parser.next().error
        #expect(error?.status == errorCase.status, "\(errorCase.name): \(String(describing: error))")
    }
}

/// A request that must be refused, and the status it must get.
struct ParseErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let status: Int

    var testDescription: String {
        "\(self.name) → \(self.status)"
    }

    private static let get = "GET / HTTP/1.1\r\nHost: h\r\n"
    private static let post = "POST / HTTP/1.1\r\nHost: h\r\n"
    private static let chunked = post + "Transfer-Encoding: chunked\r\n\r\n"
    private static let long = String(repeating: "x", count: 130)

    static let all: [ParseErrorCase] = [
        .init(name: "CL and TE", text: post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        .init(name: "TE gzip", text: post + "Transfer-Encoding: gzip\r\n\r\n", status: 501),
        .init(name: "TE gzip, chunked", text: post + "Transfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        .init(name: "TE chunked twice", text: post + "Transfer-Encoding: chunked, chunked\r\n\r\n", status: 400),
        .init(name: "TE in HTTP/1.0", text: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        .init(name: "CL not a number", text: post + "Content-Length: abc\r\n\r\n", status: 400),
        .init(name: "CL negative", text: post + "Content-Length: -1\r\n\r\n", status: 400),
        .init(name: "CL list", text: post + "Content-Length: 3, 3\r\n\r\n", status: 400),
        .init(name: "CL conflicting", text: post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n", status: 400),
        .init(name: "CL over limit", text: post + "Content-Length: 33\r\n\r\n", status: 413),
        .init(name: "CL huge", text: post + "Content-Length: 99999999999999999999999\r\n\r\n", status: 413),
        .init(name: "bad chunk size", text: chunked + "zz\r\n", status: 400),
        .init(name: "chunk size with junk", text: chunked + "5x\r\n", status: 400),
        .init(name: "chunk size with trailing space", text: chunked + "5 \r\n", status: 400),
        .init(name: "chunk without CRLF", text: chunked + "2\r\nabX", status: 400),
        .init(name: "chunk sum over limit", text: chunked + "21\r\n", status: 413),
        .init(name: "chunk size overflow", text: chunked + "FFFFFFFFFFFFFFFFFFFFFF\r\n", status: 413),
        .init(name: "space before colon", text: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", status: 400),
        .init(name: "space in name", text: get + "X Y: z\r\n\r\n", status: 400),
        .init(name: "no colon", text: get + "NoColon\r\n\r\n", status: 400),
        .init(name: "empty name", text: get + ": value\r\n\r\n", status: 400),
        .init(name: "obs-fold", text: get + "X-A: b\r\n c\r\n\r\n", status: 400),
        .init(name: "control char", text: get + "X-A: b\u{1}c\r\n\r\n", status: 400),
        .init(name: "bare CR in value", text: get + "X-A: b\rc\r\n\r\n", status: 400),
        .init(name: "bare LF request line", text: "GET / HTTP/1.1\nHost: h\r\n\r\n", status: 400),
        .init(name: "bare LF header", text: "GET / HTTP/1.1\r\nHost: h\n\r\n", status: 400),
        .init(name: "bare LF first", text: "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "missing Host", text: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", status: 400),
        .init(name: "two Hosts", text: get + "Host: b\r\n\r\n", status: 400),
        .init(name: "bad method", text: "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "missing target", text: "GET HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "double space", text: "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "non-ASCII target", text: "GET /\u{e9} HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "lower-case version", text: "GET / http/1.1\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "garbage version", text: "GET / HTTP/x\r\nHost: h\r\n\r\n", status: 400),
        .init(name: "HTTP/2.0", text: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", status: 505),
        .init(name: "HTTP/3", text: "GET / HTTP/3\r\nHost: h\r\n\r\n", status: 505),
        .init(name: "HTTP/1.2", text: "GET / HTTP/1.2\r\nHost: h\r\n\r\n", status: 505),
        .init(name: "request line over limit", text: "GET /\(long) HTTP/1.1\r\n", status: 414),
        .init(name: "header block over limit", text: get + "X-A: \(long)\r\n\r\n", status: 431),
        .init(name: "trailers over limit", text: chunked + "0\r\nX-T: \(long)\r\n\r\n", status: 431),
        .init(name: "bad trailer", text: chunked + "0\r\nbad trailer\r\n\r\n", status: 400),
    ]
}
