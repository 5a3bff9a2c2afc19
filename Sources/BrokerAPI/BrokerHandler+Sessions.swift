import HTTPServer
import SessionCore

extension BrokerHandler {
    /// The largest page `GET /sessions` returns.
    static let maximumPageSize = 1000
    static let defaultPageSize = 100

    func list(in pool: PoolConfiguration, query: String?, responder: HTTPResponder) throws(APIError) {
        let parameters = try QueryParameters(query, allowed: ["limit", "after"])
        var limit = Self.defaultPageSize
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...Self.maximumPageSize).contains(value) else {
                throw APIError.invalidRequest("limit: must be an integer from 1 to \(Self.maximumPageSize)")
            }
            limit = value
        }

        let after = parameters["after"]
        self.store.list(
            in: pool,
            after: after,
            limit: limit,
            completion: self.answer(responder) { page in
                let sessions = page.sessions.map {
                    JSONValue.object($0.json(names: pool.fields, projection: pool.projection))
                }
                return .json(
                    200,
                    JSONObject(["sessions": .array(sessions), "next": page.next.map { .string($0) } ?? .null])
                )
            }
        )
    }

    func insert(
        _ request: HTTPRequest,
        into pool: PoolConfiguration,
        poolName: String?,
        responder: HTTPResponder
    ) throws(APIError) {
        let document = try RequestBody.object(of: request, required: true)!
        let session: Session
        do {
            session = try Session(creating: document, in: pool)
        } catch {
            throw APIError(error)
        }

        let prefix = poolName.map { "/pools/\(PercentDecoding.encode($0))" } ?? ""
        let location = "\(prefix)/sessions/\(PercentDecoding.encode(session.id.text))"
        self.store.insert(
            session,
            into: pool,
            completion: self.answer(responder) { stored in
                .json(
                    201,
                    stored.json(names: pool.fields, projection: pool.projection),
                    headers: [("Location", location)]
                )
            }
        )
    }

    func find(id: String, in pool: PoolConfiguration, responder: HTTPResponder) {
        self.store.find(id: id, in: pool, completion: self.answer(responder) { self.render($0, in: pool) })
    }

    func update(id: String, in pool: PoolConfiguration, request: HTTPRequest, responder: HTTPResponder) throws(APIError)
    {
        let body = try RequestBody.object(of: request, required: true)!
        let update: SessionUpdate
        do {
            update = try SessionUpdate(json: body, names: pool.fields)
        } catch {
            throw APIError(error)
        }
        self.store.update(
            id: id,
            with: update,
            in: pool,
            completion: self.answer(responder) {
                self.render($0, in: pool)
            }
        )
    }

    func delete(id: String, in pool: PoolConfiguration, responder: HTTPResponder) {
        self.store.delete(id: id, in: pool, completion: self.answer(responder) { HTTPResponse(status: 204) })
    }
}

/// The parameters of a query string, each allowed name at most once.
struct QueryParameters {
    private var values: [String: String] = [:]

    /// - Throws: ``APIError`` 400 for an unknown or repeated name or a broken escape.
    init(_ query: String?, allowed: Set<String>) throws(APIError) {
        guard let query, !query.isEmpty else {
            return
        }
        for pair in query.utf8.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusIsSpace: true),
                let value = PercentDecoding.decode(parts.count > 1 ? Array(parts[1]) : [], plusIsSpace: true)
            else {
                throw APIError.invalidRequest("the query string has a broken percent escape")
            }
            guard allowed.contains(name) else {
                throw APIError.invalidRequest(
                    "\(name): unknown query parameter; use \(allowed.sorted().joined(separator: ", "))"
                )
            }
            guard self.values.updateValue(value, forKey: name) == nil else {
                throw APIError.invalidRequest("\(name): given more than once")
            }
        }
    }

    subscript(name: String) -> String? {
        self.values[name]
    }
}
