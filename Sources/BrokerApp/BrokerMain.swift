import Foundation
import Logging

/// The whole life of the `session-broker` process: arguments, configuration, serving, signals.
public enum BrokerMain {
    public static let version = "0.1.0"

    /// Exit status for a bad command line or configuration (EX_USAGE).
    static let usageError: Int32 = 64

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    public static func run(arguments: [String], environment: [String: String]) -> Int32 {
        let flags: [String: String]
        do {
            switch try CommandLineArguments.parse(arguments) {
            case .help:
                print(CommandLineArguments.usage)
                return 0
            case .version:
                print("session-broker \(self.version)")
                return 0
            case .serve(let parsed):
                flags = parsed
            }
        } catch {
            self.fail("\(error)")
            return self.usageError
        }

        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(flags: flags, environment: environment)
        } catch {
            self.fail("configuration error: \(error)")
            return self.usageError
        }
        LoggingSystem.bootstrap(
            handler: StreamLogHandler(format: configuration.logFormat),
            level: configuration.logLevel
        )
        return self.serve(configuration)
    }

    private static func serve(_ configuration: Configuration) -> Int32 {
        let logger = Logger(label: "broker")
        logger.info("configuration", configuration.summary)

        let service: BrokerService
        do {
            service = try BrokerService(configuration: configuration, logger: logger)
            try service.start()
        } catch let error as ConfigurationError {
            self.fail("configuration error: \(error)")
            return self.usageError
        } catch {
            logger.critical("cannot start", ["error": "\(error)"])
            return 1
        }

        self.waitForTerminationSignal()
        service.shutdown()
        return 0
    }

    /// Blocks until SIGTERM or SIGINT arrives.
    private static func waitForTerminationSignal() {
        let received = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { received.signal() }
            source.resume()
            sources.append(source)
        }
        received.wait()
        sources.forEach { $0.cancel() }
    }

    private static func fail(_ message: String) {
        FileHandle.standardError.write(Data("session-broker: \(message)\n".utf8))
    }
}
