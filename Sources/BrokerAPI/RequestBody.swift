import HTTPServer
import SessionCore

/// Reads JSON bodies: the media type, the JSON itself, and that it is an object.
enum RequestBody {
    /// The body as a JSON object; nil when the body is empty and `required` is false.
    ///
    /// - Throws: ``APIError``: 411 when a body is required but the request has no length, 415 for
    ///   another media type, 400 `invalid_json` for broken JSON, 400 `invalid_request` for a body
    ///   that is not an object or a required body that is empty.
    static func object(of request: HTTPRequest, required: Bool) throws(APIError) -> JSONObject? {
        guard !request.body.isEmpty else {
            guard required else {
                return nil
            }
            if case .none = request.bodyFraming {
                var error = APIError(
                    status: 411,
                    code: "length_required",
                    message: "this request needs a JSON body with Content-Length or chunked encoding"
                )
                error.closeConnection = true
                throw error
            }
            throw APIError.invalidRequest("a JSON object body is required")
        }

        if let contentType = request.headers["Content-Type"], !Self.isJSON(contentType) {
            throw APIError(
                status: 415,
                code: "unsupported_media_type",
                message: "send the body as JSON with Content-Type: application/json"
            )
        }

        let value: JSONValue
        do {
            value = try JSONParser.parse(request.body)
        } catch {
            throw APIError(status: 400, code: "invalid_json", message: "\(error.message) at byte \(error.offset)")
        }
        guard case .object(let object) = value else {
            throw APIError.invalidRequest("the body must be a JSON object, not \(value.kindName)")
        }
        return object
    }

    /// Whether `contentType` is JSON (`application/json` or `application/…+json`) in UTF-8, the only
    /// encoding JSON has.
    private static func isJSON(_ contentType: String) -> Bool {
        let parts = contentType.lowercased().split(separator: ";").map { $0.filter { $0 != " " && $0 != "\t" } }
        guard let mediaType = parts.first,
            mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
        else {
            return false
        }
        return parts.dropFirst().allSatisfy {
            !$0.hasPrefix("charset=") || $0 == "charset=utf-8" || $0 == "charset=\"utf-8\""
        }
    }
}

/// Reads the fields of an options body one by one and rejects any field nobody asked for.
struct BodyFields {
    private let object: JSONObject
    private var known: Set<String> = []

    init(_ object: JSONObject?) {
        self.object = object ?? JSONObject()
    }

    /// An integer field within `range`; nil when absent or null.
    mutating func integer(_ name: String, in range: ClosedRange<Int64>) throws(InputError) -> Int64? {
        self.known.insert(name)
        switch self.object[name] {
        case nil, .null?:
            return nil
        case .int(let value)? where range.contains(value):
            return value
        case .int?:
            throw .field(name, "must be between \(range.lowerBound) and \(range.upperBound)")
        case let other?:
            throw .field(name, "must be an integer, not \(other.kindName)")
        }
    }

    /// A period in seconds or in the object form; nil when absent or null.
    mutating func period(_ name: String) throws(InputError) -> Period? {
        self.known.insert(name)
        switch self.object[name] {
        case nil, .null?: return nil
        case let value?: return try Period(json: value, field: name)
        }
    }

    /// A lease filter; `.all` when absent or null.
    mutating func filter(_ name: String) throws(InputError) -> LeaseFilter {
        self.known.insert(name)
        switch self.object[name] {
        case nil, .null?: return .all
        case let value?: return try LeaseFilter(json: value)
        }
    }

    /// Fails on the first field that no reader asked for.
    func rejectUnknown() throws(InputError) {
        for key in self.object.keys where !self.known.contains(key) {
            throw .field(key, "unknown field")
        }
    }
}
