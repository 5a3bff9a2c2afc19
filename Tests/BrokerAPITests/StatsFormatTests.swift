import HTTPServer
import Testing

@testable import BrokerAPI

@Suite struct StatsFormatTests {
    private func format(_ target: String, accept: String? = nil) throws(APIError) -> StatsFormat {
        let headers = HTTPHeaders(accept.map { [("Accept", $0)] } ?? [])
        return try StatsFormat(HTTPRequest(method: "GET", target: target, headers: headers))
    }

    @Test func prometheusTextIsTheDefault() throws {
        #expect(try self.format("/stats") == .prometheus)
        #expect(try self.format("/stats", accept: "*/*") == .prometheus)
        #expect(try self.format("/stats", accept: "text/plain") == .prometheus)
        #expect(try self.format("/stats", accept: "text/plain;version=0.0.4") == .prometheus)
        #expect(try self.format("/stats", accept: "image/png") == .prometheus)
        #expect(try self.format("/stats", accept: "application/json, text/plain") == .prometheus)
    }

    @Test func prometheusOwnAcceptHeaderGetsText() throws {
        let accept =
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        #expect(try self.format("/stats", accept: accept) == .prometheus)
    }

    @Test func jsonWhenAcceptPrefersIt() throws {
        #expect(try self.format("/stats", accept: "application/json") == .json)
        #expect(try self.format("/stats", accept: "Application/JSON; charset=utf-8") == .json)
        #expect(try self.format("/stats", accept: "text/plain;q=0.5, application/json") == .json)
        #expect(try self.format("/stats", accept: "application/*") == .json)
        #expect(try self.format("/stats", accept: "*/*;q=0.9, application/json;q=1, text/*;q=0.8") == .json)
    }

    @Test func theFormatParameterWinsOverAccept() throws {
        #expect(try self.format("/stats?format=json") == .json)
        #expect(try self.format("/stats?format=JSON&x=1", accept: "text/plain") == .json)
        #expect(try self.format("/stats?format=prometheus", accept: "application/json") == .prometheus)
        #expect(try self.format("/stats?format=text", accept: "application/json") == .prometheus)
        #expect(throws: APIError.self) { try self.format("/stats?format=xml") }
        #expect(throws: APIError.self) { try self.format("/stats?format=json&format=json") }
        #expect(throws: APIError.self) { try self.format("/stats?format=%zz") }
    }
}
