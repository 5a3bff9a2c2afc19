import HTTPServer

/// The form `/stats` answers in: the Prometheus text format unless JSON is asked for.
enum StatsFormat: Equatable {
    case prometheus
    case json

    /// The form a request asks for: `?format=json` or `?format=prometheus` decide; otherwise JSON
    /// when `Accept` prefers `application/json` to `text/plain`, and Prometheus text in every other case.
    ///
    /// - Throws: ``APIError`` 400 for another `format` value or a broken escape in the query.
    init(_ request: HTTPRequest) throws(APIError) {
        if let format = try Self.formatParameter(request.query) {
            switch format {
            case "json": self = .json
            case "prometheus", "text": self = .prometheus
            default: throw APIError.invalidRequest("format: must be json or prometheus, not \"\(format)\"")
            }
            return
        }
        self = Self.prefersJSON(accept: request.headers.values(for: "Accept")) ? .json : .prometheus
    }

    /// The value of `format` in the query string; other parameters are left alone.
    private static func formatParameter(_ query: Substring?) throws(APIError) -> String? {
        guard let query else {
            return nil
        }
        var format: String?
        for pair in query.utf8.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusIsSpace: true) else {
                throw APIError.invalidRequest("the query string has a broken percent escape")
            }
            guard name == "format" else {
                continue
            }
            guard let value = PercentDecoding.decode(parts.count > 1 ? Array(parts[1]) : [], plusIsSpace: true),
                format == nil
            else {
                throw APIError.invalidRequest("format: given more than once or with a broken percent escape")
            }
            format = value.lowercased()
        }
        return format
    }

    /// Whether the `Accept` fields give `application/json` a higher quality than `text/plain`, each
    /// judged by the most specific media range that matches it (`*/*` < `type/*` < `type/subtype`).
    static func prefersJSON(accept: [String]) -> Bool {
        var json = Preference(type: "application", subtype: "json")
        var text = Preference(type: "text", subtype: "plain")
        for field in accept {
            for range in field.lowercased().filter({ $0 != " " && $0 != "\t" }).split(separator: ",") {
                let parts = range.split(separator: ";")
                guard let media = parts.first else {
                    continue
                }
                var quality = 1.0
                for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                    quality = Double(parameter.dropFirst(2)) ?? 0
                }
                json.consider(String(media), quality: quality)
                text.consider(String(media), quality: quality)
            }
        }
        return json.quality > text.quality
    }

    /// The quality a client gives one media type, from the most specific range that names it.
    private struct Preference {
        let type: String
        let subtype: String
        var specificity = -1
        var quality = 0.0

        init(type: String, subtype: String) {
            self.type = type
            self.subtype = subtype
        }

        mutating func consider(_ range: String, quality: Double) {
            let specificity: Int
            switch range {
            case "*/*": specificity = 0
            case "\(self.type)/*": specificity = 1
            case "\(self.type)/\(self.subtype)": specificity = 2
            default: return
            }
            if specificity > self.specificity {
                self.specificity = specificity
                self.quality = quality
            } else if specificity == self.specificity {
                self.quality = max(self.quality, quality)
            }
        }
    }
}
