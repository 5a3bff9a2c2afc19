import SessionCore

/// What a request path names, before the method is considered.
enum Route: Equatable {
    case health
    case readiness
    case stats
    /// `/sessions` of a pool; nil pool means the default pool.
    case sessions(pool: String?)
    case lease(pool: String?)
    case count(pool: String?)
    case session(pool: String?, id: String)
    case action(pool: String?, id: String, action: SessionAction)

    /// Ids that `/sessions/{id}` cannot reach because a route of the same name is there.
    static let reservedIDs: Set<String> = ["lease", "count"]

    /// The pool the route names, if any; nil is the default pool.
    var pool: String? {
        switch self {
        case .health, .readiness, .stats: nil
        case .sessions(let pool), .lease(let pool), .count(let pool): pool
        case .session(let pool, _), .action(let pool, _, _): pool
        }
    }

    /// The methods this route answers, for `405` and `Allow`.
    var allowedMethods: [String] {
        switch self {
        case .health, .readiness, .stats, .count: ["GET", "HEAD"]
        case .sessions: ["GET", "HEAD", "POST"]
        case .lease, .action: ["POST"]
        case .session: ["GET", "HEAD", "PATCH", "DELETE"]
        }
    }

    /// Reads a raw path (before `?`). Segments are percent-decoded once, after splitting, so `%2F`
    /// stays inside its segment. Returns nil for paths the API does not have.
    init?(path: String) {
        guard path.hasPrefix("/") else {
            return nil
        }
        var segments: [String] = []
        for raw in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            guard let segment = PercentDecoding.decode(raw), !segment.isEmpty else {
                return nil
            }
            segments.append(segment)
        }

        switch segments.count {
        case 1 where segments[0] == "healthz": self = .health
        case 1 where segments[0] == "readyz": self = .readiness
        case 1 where segments[0] == "stats": self = .stats
        default:
            var pool: String?
            if segments.first == "pools" {
                guard segments.count >= 3 else {
                    return nil
                }
                pool = segments[1]
                segments.removeFirst(2)
            }
            guard let route = Self.sessionRoute(segments[...], pool: pool) else {
                return nil
            }
            self = route
        }
    }

    private static func sessionRoute(_ segments: ArraySlice<String>, pool: String?) -> Route? {
        guard segments.first == "sessions" else {
            return nil
        }
        let rest = Array(segments.dropFirst())
        switch rest.count {
        case 0: return .sessions(pool: pool)
        case 1 where rest[0] == "lease": return .lease(pool: pool)
        case 1 where rest[0] == "count": return .count(pool: pool)
        case 1: return .session(pool: pool, id: rest[0])
        case 2: return SessionAction(rawValue: rest[1]).map { .action(pool: pool, id: rest[0], action: $0) }
        default: return nil
        }
    }
}

/// The state changes a worker or an activator asks for on one session.
enum SessionAction: String {
    case success
    case lock
    case block
    case deactivate
    case activate
}

/// Percent-decoding of one path segment or query component.
enum PercentDecoding {
    /// Decodes `%XX` escapes; with `plusIsSpace` also `+` (query strings). Nil for a broken escape or bad UTF-8.
    static func decode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool = false) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Hexadecimal.value(of:)),
                    let low = iterator.next().flatMap(Hexadecimal.value(of:))
                else {
                    return nil
                }
                output.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                output.append(UInt8(ascii: " "))
            default:
                output.append(byte)
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    /// Whether `path` has a `%` not followed by two hexadecimal digits, or escapes that are not UTF-8.
    static func hasBrokenEscape(_ path: String) -> Bool {
        path.utf8.split(separator: UInt8(ascii: "/")).contains { self.decode($0) == nil }
    }

    /// Encodes everything but unreserved characters, for putting an id into a `Location` path.
    static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
