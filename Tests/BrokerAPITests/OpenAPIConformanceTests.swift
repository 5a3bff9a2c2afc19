import Foundation
import TestSupport
import Testing

/// `openapi.yaml` checked as OpenAPI 3.1, and the real broker checked against it by schemathesis.
///
/// The broker runs with a token per role. schemathesis sends one of them with every request, and
/// fails the run on a 5xx answer, a status, media type, header or body the document does not
/// describe, 401 where a token is missing, or a method not answered with 405 and `Allow`.
@Suite(.serialized) struct OpenAPIConformanceTests {
    private static let tokens = [
        "admin": "openapi-admin-5d1f08c2",
        "worker": "openapi-worker-e67a3b91",
        "metrics": "openapi-metrics-0c4e7f55",
    ]

    private static let checks = [
        "not_a_server_error", "status_code_conformance", "content_type_conformance",
        "response_headers_conformance", "response_schema_conformance", "ignored_auth", "unsupported_method",
        "allow_header_conformance", "missing_required_header", "use_after_free", "ensure_resource_availability",
    ]

    private static let configuration = #"""
        {"pools": {"default": {"next_use_delay": 1}, "telegram": {"next_use_delay": 1, "lock_time": 60}}}
        """#

    @Test func documentIsValidOpenAPI31() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let run = try APITestTool(name: "openapi-spec-validator")
            .run(["--schema", "3.1", APITestTool.document], in: directory, timeout: 60)

        #expect(run.status == 0 && run.output.contains("openapi.yaml: OK"), "\(run.output)")
    }

    @Test(arguments: [("admin", 25), ("worker", 10)])
    func brokerAnswersAsDocumented(role: String, examples: Int) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = directory.appendingPathComponent("broker.json")
        try Data(Self.configuration.utf8).write(to: configuration)
        let broker = try BrokerProcess(
            arguments: ["--sqlite", ":memory:", "--config", configuration.path],
            directory: directory,
            environment: ["BROKER_TOKENS": Self.tokens.map { "\($0.key):\($0.value)" }.joined(separator: ",")]
        )
        defer { broker.stop(signal: SIGTERM) }
        try Self.seed(broker)
        let token = try #require(Self.tokens[role])

        let run = try APITestTool(name: "schemathesis").run(
            [
                "run", APITestTool.document, "--url", "http://127.0.0.1:\(broker.port)",
                "--header", "Authorization: Bearer \(token)", "--checks",
                Self.checks.joined(separator: ","), "--max-examples", String(examples), "--seed", "20261204",
                "--request-timeout", "5", "--generation-database", "none", "--no-color",
            ],
            in: directory,
            timeout: 300
        )

        let summary = Self.summary(of: run.output)
        #expect(run.status != nil, "schemathesis did not finish within 300 s:\n\(summary)")
        #expect(run.status == 0, "schemathesis found answers the document does not describe:\n\(summary)")
        #expect(try broker.request("GET", "/healthz").status == 200)
        let errors = broker.log.lines.filter { $0.contains("level=error") || $0.contains("level=critical") }
        #expect(errors.isEmpty, "the broker logged errors:\n\(errors.joined(separator: "\n"))")
        #expect(broker.stop(signal: SIGTERM) == 0)
    }

    /// Adds sessions to both pools through the API, so that reads, leases and reports find some.
    private static func seed(_ broker: BrokerProcess) throws {
        let admin = [("Authorization", "Bearer \(Self.tokens["admin", default: ""])")]
        for prefix in ["", "/pools/telegram"] {
            for index in 0..<20 {
                let region = index.isMultiple(of: 2) ? "eu" : "us"
                let id = index < 15 ? #""_id": "acc-\#(index)", "# : ""
                let document = #"{\#(id)"session": {"login": "user-\#(index)", "region": "\#(region)"}}"#
                let response = try broker.request("POST", "\(prefix)/sessions", json: document, headers: admin)
                #expect(response.status == 201, "\(response.bodyText)")
            }
        }
    }

    /// The part of schemathesis's output from its first failure on, or all of it when it names none.
    private static func summary(of output: String) -> String {
        guard let start = output.range(of: "= FAILURES =") ?? output.range(of: "= ERRORS =") else {
            return output
        }
        return String(output[start.lowerBound...])
    }

    private static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
