import Foundation
import Logging
import MongoStore

/// The whole life of the `session-broker` process: arguments, configuration, serving, signals.
public enum BrokerMain {
    public static let version = "0.1.0"

    /// Exit status for a bad command line or configuration (EX_USAGE).
    static let usageError: Int32 = 64

    /// Exit status of `import` and `export` when the store, the input or the output failed.
    static let failureStatus: Int32 = 1

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    public static func run(arguments: [String], environment: [String: String]) -> Int32 {
        let command: Command
        do {
            command = try CommandLineArguments.parse(arguments)
        } catch {
            self.fail("\(error)")
            return self.usageError
        }

        switch command {
        case .help:
            print(CommandLineArguments.usage)
            return 0
        case .version:
            print("session-broker \(self.version)")
            return 0
        case .serve(let flags):
            return self.configure(flags: flags, environment: environment).map(self.serve) ?? self.usageError
        case .import(let file, let flags):
            guard let configuration = self.configure(flags: flags, environment: environment) else {
                return self.usageError
            }
            return ImportCommand.run(file: file, flags: flags, configuration: configuration)
        case .export(let flags):
            guard let configuration = self.configure(flags: flags, environment: environment) else {
                return self.usageError
            }
            return ExportCommand.run(flags: flags, configuration: configuration)
        }
    }

    /// Loads the configuration and sets up logging; nil after reporting a bad configuration.
    private static func configure(flags: [String: String], environment: [String: String]) -> Configuration? {
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(flags: flags, environment: environment)
        } catch {
            self.fail("configuration error: \(error)")
            return nil
        }
        LoggingSystem.bootstrap(
            handler: StreamLogHandler(format: configuration.logFormat),
            level: configuration.logLevel
        )
        return configuration
    }

    private static func serve(_ configuration: Configuration) -> Int32 {
        let logger = Logger(label: "broker")
        logger.info("configuration", configuration.summary)

        // Signals are caught before the service starts, so that a SIGTERM sent as soon as the
        // start-up line appears is never lost.
        let termination = TerminationSignals()

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

        termination.wait()
        service.shutdown()
        MongoDriver.cleanUp()
        return 0
    }

    /// Writes `message` to standard error after the program's name.
    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("session-broker: \(message)\n".utf8))
    }
}

/// Holds SIGTERM and SIGINT for ``wait()`` from the moment it is created.
///
/// The signals are blocked in the creating thread, and so in every thread started after it, and
/// taken with `sigwait`: one sent at any moment, even during start-up, is kept until ``wait()``.
/// Create it BEFORE any other thread starts.
private struct TerminationSignals {
    private var signals = sigset_t()

    init() {
        sigemptyset(&self.signals)
        sigaddset(&self.signals, SIGTERM)
        sigaddset(&self.signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &self.signals, nil)
    }

    /// Blocks until SIGTERM or SIGINT arrives.
    func wait() {
        var signals = self.signals
        var received: Int32 = 0
        while sigwait(&signals, &received) != 0 {}
    }
}
