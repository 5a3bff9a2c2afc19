import SessionCore

/// One lease as its taker saw it: which session, and the `last_use` and `next_use` it was given.
struct LeaseRecord: Sendable, CustomStringConvertible {
    /// Whose clock wrote the times: the database server's (`$$NOW`, for the broker) or a worker's own.
    enum Clock: Sendable, Equatable {
        case databaseServer
        case seedWorker
    }

    var id: String
    var lastUse: Timestamp
    var nextUse: Timestamp
    /// Who took it, such as `broker A`.
    var taker: String
    var clock: Clock

    /// The lease in a broker's answer to `POST /sessions/lease`, or nil when a field is missing.
    init?(answer: JSONObject, taker: String) {
        guard let id = answer["_id"]?.stringValue,
            let lastUse = answer["last_use"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            let nextUse = answer["next_use"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
        else {
            return nil
        }
        self.init(id: id, lastUse: lastUse, nextUse: nextUse, taker: taker, clock: .databaseServer)
    }

    /// The lease in a line of `scripts/seed-worker.py`, or nil when the line is not one.
    init?(seedWorkerLine line: String) {
        guard let object = (try? JSONParser.parse(line))?.objectValue,
            let id = object["id"]?.stringValue,
            let lastUse = object["last_use"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            let nextUse = object["next_use"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
        else {
            return nil
        }
        self.init(id: id, lastUse: lastUse, nextUse: nextUse, taker: "seed worker", clock: .seedWorker)
    }

    init(id: String, lastUse: Timestamp, nextUse: Timestamp, taker: String, clock: Clock) {
        self.id = id
        self.lastUse = lastUse
        self.nextUse = nextUse
        self.taker = taker
        self.clock = clock
    }

    var description: String {
        "\(self.id) to \(self.taker) at \(self.lastUse) until \(self.nextUse)"
    }
}
