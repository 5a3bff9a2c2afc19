import SessionCore
import TestSupport
import Testing

@Suite struct ErrorStatusTests {
    @Test func unknownRoutesAndMethods() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        let unknown = try broker.request("GET", "/nope")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "not_found")

        let wrongMethod = try broker.request("PUT", "/sessions/lease")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == "method_not_allowed")
        #expect(wrongMethod.header("Allow") == "POST")

        #expect(try broker.request("DELETE", "/sessions").header("Allow") == "GET, HEAD, POST")
    }

    @Test func insertErrors() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        #expect(try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#).status == 201)

        let duplicate = try broker.request("POST", "/sessions", json: #"{"_id": "a"}"#)
        #expect(duplicate.status == 409)
        #expect(duplicate.errorCode == "duplicate_id")

        let badTime = try broker.request("POST", "/sessions", json: #"{"next_use": "2026-12-04 10:00"}"#)
        #expect(badTime.status == 400)
        #expect(badTime.string("message")?.hasPrefix("next_use:") == true)

        let notObject = try broker.request("POST", "/sessions", json: "42")
        #expect(notObject.errorCode == "invalid_request")

        let broken = try broker.request("POST", "/sessions", json: #"{"a": }"#)
        #expect(broken.errorCode == "invalid_json")

        let form = try broker.request(
            "POST",
            "/sessions",
            json: "a=1",
            headers: [("Content-Type", "application/x-www-form-urlencoded")]
        )
        #expect(form.status == 415)
        #expect(form.errorCode == "unsupported_media_type")

        let empty = try broker.request("POST", "/sessions", json: "")
        #expect(empty.status == 400)
    }

    @Test func requiredBodyWithoutLengthIs411AndCloses() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        let client = try RawHTTPClient.connect(port: broker.port)
        defer { client.close() }

        try client.send("POST /sessions HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 411)
        #expect(response.errorCode == "length_required")
        #expect(try client.readUntilClosed().closed)
    }

    @Test func oversizedAndMalformedRequestsGetTheirStatusAndTheServerKeepsServing() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        let cases: [(String, [UInt8], Int)] = [
            (
                "long request line",
                Array("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 414
            ),
            (
                "huge headers",
                Array("GET /healthz HTTP/1.1\r\nX-Big: \(String(repeating: "b", count: 17000))\r\n\r\n".utf8), 431
            ),
            (
                "body too large", Array("POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n".utf8),
                413
            ),
            ("garbage", Array("HELLO\r\n\r\n".utf8), 400),
            ("bad length", Array("POST /sessions HTTP/1.1\r\nContent-Length: abc\r\n\r\n".utf8), 400),
            ("binary", [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x0D, 0x0A, 0x0D, 0x0A], 400),
        ]

        for (name, bytes, status) in cases {
            let client = try RawHTTPClient.connect(port: broker.port)
            defer { client.close() }
            try client.send(bytes)
            let response = try client.readResponse()
            #expect(response.status == status, "\(name)")
            #expect(response.errorCode != nil, "\(name)")
            #expect(try client.readUntilClosed().closed, "\(name)")
        }

        #expect(try broker.request("GET", "/healthz").status == 200)
    }

    @Test func headAnswersHeadersOnly() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        let client = try RawHTTPClient.connect(port: broker.port)
        defer { client.close() }

        try client.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(bodyExpected: false)
        let get = try client.readResponse()

        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") == String(get.body.count))
        #expect(get.bodyText == #"{"status":"ok"}"#)
    }

    @Test func healthReadinessAndStats() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "a", "count_use": 4, "count_success": 3}"#)
        _ = try broker.request("POST", "/sessions", json: #"{"_id": "b", "active": false}"#)

        #expect(try broker.request("GET", "/readyz").string("status") == "ready")
        let stats = try broker.request("GET", "/stats", headers: [("Accept", "application/json")])
        #expect(stats.status == 200)
        let pools = stats.json()["pools"]?.objectValue
        let figures = pools?["default"]?.objectValue
        #expect(figures?["total"] == .int(2))
        #expect(figures?["available"] == .int(1))
        #expect(figures?["inactive"] == .int(1))
        #expect(figures?["count_use"] == .int(4))
        #expect(figures?["count_success"] == .int(3))
    }
}

@Suite struct InputEdgeTests {
    @Test func reservedAndOverlongIDsAreRefusedOnCreate() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        for id in ["lease", "count", String(repeating: "x", count: 513)] {
            let refused = try broker.request("POST", "/sessions", json: #"{"_id": "\#(id)"}"#)
            #expect(refused.status == 400, "\(id.prefix(10))")
            #expect(refused.errorCode == "invalid_request")
        }
        #expect(try broker.request("POST", "/sessions", json: #"{"_id": "leases"}"#).status == 201)
    }

    @Test func jsonInAnotherCharsetIsRefused() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        let latin1 = try broker.request(
            "POST",
            "/sessions",
            json: "{}",
            headers: [("Content-Type", "application/json; charset=latin1")]
        )
        let utf8 = try broker.request(
            "POST",
            "/sessions",
            json: "{}",
            headers: [("Content-Type", "application/json; charset=UTF-8")]
        )
        let bare = try broker.request("POST", "/sessions/lease", json: "{}", headers: [("Content-Type", "text/plain")])

        #expect(latin1.status == 415)
        #expect(utf8.status == 201)
        #expect(bare.status == 415)
    }

    @Test func brokenEscapesAre400AndUnknownPoolsWinOverMethods() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }

        let broken = try broker.request("GET", "/sessions/50%")
        #expect(broken.status == 400)
        #expect(broken.errorCode == "invalid_request")

        let unknownPool = try broker.request("PUT", "/pools/nope/sessions")
        #expect(unknownPool.status == 404)
        #expect(unknownPool.errorCode == "pool_not_found")
    }

    @Test func uppercaseHexFindsAnObjectID() throws {
        let broker = try LiveBroker()
        defer { broker.shutdown() }
        let id = try #require(try broker.request("POST", "/sessions", json: "{}").string("_id"))

        #expect(try broker.request("GET", "/sessions/\(id.uppercased())").string("_id") == id)
    }
}
