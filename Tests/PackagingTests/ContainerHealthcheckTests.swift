import Foundation
import TestSupport
import Testing

/// scripts/container-healthcheck.sh, the image's HEALTHCHECK, against the real broker.
@Suite struct ContainerHealthcheckTests {
    private func healthcheck(port: Int) throws -> ScriptResult {
        try ScriptProcess.run(
            "bash",
            [Repository.path("scripts/container-healthcheck.sh")],
            environment: ["BROKER_PORT": String(port)],
            timeout: 15
        )
    }

    @Test func healthyWhileTheBrokerServesEvenWithTokensThenNot() throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = directory.appendingPathComponent("broker.json")
        try #"{"auth": {"tokens": [{"role": "worker", "token": "healthcheck-test-token"}]}}"#
            .write(to: configuration, atomically: true, encoding: .utf8)

        // A broker that requires tokens, as the image's must: /healthz needs none.
        let broker = try BrokerProcess(
            arguments: ["--config", configuration.path, "--sqlite", ":memory:"],
            directory: directory
        )
        defer { broker.stop(signal: SIGTERM) }
        #expect(try broker.request("POST", "/sessions/lease").status == 401)
        let healthy = try self.healthcheck(port: broker.port)
        #expect(healthy.status == 0, "\(healthy.transcript)")

        // Once the broker has stopped, nothing answers on its port.
        #expect(broker.stop(signal: SIGTERM) == 0)
        let stopped = try self.healthcheck(port: broker.port)
        #expect(stopped.status != nil && stopped.status != 0, "\(stopped.transcript)")
    }
}
