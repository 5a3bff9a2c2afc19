import Dispatch
import HTTPServer
import Synchronization

/// Answers inline with the request echoed: method, target, path, query and framing in headers, body as received
/// (or `METHOD target` when the request had none).
struct EchoHandler: HTTPRequestHandler {
    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        responder.respond(Self.echo(request))
    }

    static func echo(_ request: HTTPRequest) -> HTTPResponse {
        let body = request.body.isEmpty ? Array("\(request.method) \(request.target)".utf8) : request.body
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "application/octet-stream"),
                ("X-Method", request.method),
                ("X-Path", String(request.path)),
                ("X-Query", request.query.map(String.init) ?? "-"),
                ("X-Framing", "\(request.bodyFraming)"),
            ],
            body: body
        )
    }
}

/// Echoes like `EchoHandler`, but responds from a Dispatch queue, off the event-loop thread.
struct AsyncEchoHandler: HTTPRequestHandler {
    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        DispatchQueue.global().async {
            responder.respond(EchoHandler.echo(request))
        }
    }
}

/// Echoes, answering inline for even-numbered paths `/p/N` and, for odd ones, from another thread only once
/// `gates[N]` is signalled.
struct GatedHandler: HTTPRequestHandler {
    let gates: [DispatchSemaphore]

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let number = Int(request.path.split(separator: "/").last ?? "") ?? 0
        guard number % 2 == 1 else {
            responder.respond(EchoHandler.echo(request))
            return
        }
        let gate = self.gates[number]
        DispatchQueue.global().async {
            gate.wait()
            responder.respond(EchoHandler.echo(request))
        }
    }
}

/// Keeps every responder without answering and signals `arrived` once per request, so that a test decides
/// when (and whether) each request is answered.
final class ParkingHandler: HTTPRequestHandler {
    let arrived = DispatchSemaphore(value: 0)
    private let parked = Mutex<[HTTPResponder]>([])
    private let requestCount = Atomic<Int>(0)

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        self.parked.withLock { $0.append(responder) }
        self.requestCount.add(1, ordering: .relaxed)
        self.arrived.signal()
    }

    /// The number of requests handled so far.
    var requests: Int {
        self.requestCount.load(ordering: .relaxed)
    }

    /// Answers every parked request with `response`, from the calling thread.
    func respondAll(_ response: HTTPResponse) {
        let responders = self.parked.withLock { parked in
            defer { parked.removeAll() }
            return parked
        }
        for responder in responders {
            responder.respond(response)
        }
    }
}

/// Echoes inline and counts the requests it saw.
final class CountingHandler: HTTPRequestHandler {
    private let count = Atomic<Int>(0)

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        self.count.add(1, ordering: .relaxed)
        responder.respond(EchoHandler.echo(request))
    }

    /// The number of requests handled so far.
    var requests: Int {
        self.count.load(ordering: .relaxed)
    }
}
