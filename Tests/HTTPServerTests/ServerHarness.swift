import Dispatch
import HTTPServer
import Logging
import Synchronization
import Testing

/// Keeps log events in memory and signals a semaphore when one carries a chosen message.
final class SignallingLogHandler: LogHandler {
    let memory = MemoryLogHandler()
    let signalled = DispatchSemaphore(value: 0)
    private let message: String?

    init(signallingOn message: String? = nil) {
        self.message = message
    }

    func log(_ event: LogEvent) {
        self.memory.log(event)
        if event.message == self.message {
            self.signalled.signal()
        }
    }

    /// Events at `error` or above.
    var errors: [LogEvent] {
        self.memory.events.filter { $0.level >= .error }
    }
}

/// Starts a server on 127.0.0.1 with port 0, runs `body` with the bound port, then shuts the server down and checks
/// that nothing was logged at `error` or above.
func withServer<Result>(
    handler: any HTTPRequestHandler = EchoHandler(),
    logs: SignallingLogHandler = SignallingLogHandler(),
    sourceLocation: SourceLocation = #_sourceLocation,
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    _ body: (Int, HTTPServer) throws -> Result
) throws -> Result {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let server = HTTPServer(
        configuration: configuration,
        handler: handler,
        logger: Logger(label: "http-test", level: .debug, handler: logs)
    )
    let port = try server.start()
    defer {
        server.shutdown(drainTimeout: .seconds(2))
        #expect(logs.errors.isEmpty, "unexpected error logs: \(logs.errors)", sourceLocation: sourceLocation)
    }
    return try body(port, server)
}

/// Waits for `semaphore` at most `seconds`; the bound only keeps a broken test from hanging.
func waitFor(_ semaphore: DispatchSemaphore, seconds: Int = 10) -> Bool {
    semaphore.wait(timeout: .now() + .seconds(seconds)) == .success
}

/// `HTTPRequestParser` fed with `text` at once.
func parser(
    feeding text: String,
    maxRequestLineBytes: Int = 8192,
    maxHeaderBytes: Int = 16384,
    maxBodyBytes: Int = 1 << 20
) -> HTTPRequestParser {
    var parser = HTTPRequestParser(
        maxRequestLineBytes: maxRequestLineBytes,
        maxHeaderBytes: maxHeaderBytes,
        maxBodyBytes: maxBodyBytes
    )
    parser.append(Array(text.utf8))
    return parser
}

extension HTTPParseResult {
    /// The request, or nil for any other result.
    var request: HTTPRequest? {
        if case .request(let request) = self {
            return request
        }
        return nil
    }

    /// The error, or nil for any other result.
    var error: HTTPParseError? {
        if case .error(let error) = self {
            return error
        }
        return nil
    }

    var isNeedMoreData: Bool {
        if case .needMoreData = self {
            return true
        }
        return false
    }

    var isContinueRequired: Bool {
        if case .continueRequired = self {
            return true
        }
        return false
    }
}
