import SessionCore
import TestSupport

/// Sessions added and read back through a broker's API.
enum SessionDocuments {
    /// Adds `count` sessions with the ids `<prefix>-00`, `<prefix>-01`, …; returns the ids.
    ///
    /// - Throws: `SessionDocumentsError` when the broker does not answer 201.
    static func add(_ count: Int, prefix: String, through broker: BrokerProcess) throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let id = prefix + "-" + (index < 10 ? "0" : "") + String(index)
            let body = #"{"_id": "\#(id)", "session": {"login": "user-\#(index)", "token": "not-a-real-token"}}"#
            let response = try broker.request("POST", "/sessions", json: body)
            guard response.status == 201 else {
                throw SessionDocumentsError("POST /sessions \(body) answered \(response.status) \(response.bodyText)")
            }
            ids.append(id)
        }
        return ids
    }

    /// Every document of the default pool, read page by page with `GET /sessions`.
    ///
    /// - Throws: `SessionDocumentsError` when a page is not answered 200 with the expected shape.
    static func readAll(through broker: BrokerProcess) throws -> [JSONObject] {
        var documents: [JSONObject] = []
        var path = "/sessions?limit=1000"
        while true {
            let response = try broker.request("GET", path)
            guard response.status == 200, let page = (try? JSONParser.parse(response.body))?.objectValue,
                case .array(let sessions)? = page["sessions"]
            else {
                throw SessionDocumentsError("GET \(path) answered \(response.status) \(response.bodyText)")
            }
            documents += sessions.compactMap(\.objectValue)
            guard let next = page["next"]?.stringValue else {
                return documents
            }
            path = "/sessions?limit=1000&after=\(next)"
        }
    }

    /// The sum of an integer field over `documents`, a missing field counting 0; nil when one is not an integer.
    static func sum(of field: String, in documents: [JSONObject]) -> Int64? {
        var total: Int64 = 0
        for document in documents {
            switch document[field] {
            case nil, .null?:
                continue
            case .int(let value)?:
                total += value
            default:
                return nil
            }
        }
        return total
    }
}
