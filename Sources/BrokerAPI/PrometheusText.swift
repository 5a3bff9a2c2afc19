/// A body in the Prometheus text exposition format, version 0.0.4, written family by family.
///
/// Each family starts with one `# HELP` and one `# TYPE` line, followed by its samples; label
/// values and help texts are escaped, and every line, the last included, ends with a newline.
struct PrometheusText {
    /// The `Content-Type` of a body in this format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The kinds of family the broker exposes.
    enum FamilyType: String {
        case counter
        case gauge
        case histogram
    }

    /// The text so far.
    private(set) var text = ""
    private var families: Set<String> = []

    init() {
        self.text.reserveCapacity(16_384)
    }

    /// Starts a family: its `# HELP` and `# TYPE` lines. A name may start only one family.
    mutating func family(_ name: String, _ type: FamilyType, help: String) {
        precondition(self.families.insert(name).inserted, "family \(name) written twice")
        self.text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type.rawValue)\n"
    }

    /// Writes one sample line, such as `name{pool="a",state="available"} 3`.
    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: some PrometheusNumber) {
        self.text += name
        if !labels.isEmpty {
            self.text += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 {
                    self.text += ","
                }
                self.text += "\(label)=\"\(Self.escapeLabelValue(labelValue))\""
            }
            self.text += "}"
        }
        self.text += " \(value.exposition)\n"
    }

    /// Writes a family of one sample without labels.
    mutating func single(_ name: String, _ type: FamilyType, help: String, _ value: some PrometheusNumber) {
        self.family(name, type, help: help)
        self.sample(name, [], value)
    }

    /// The body as UTF-8 bytes.
    var bytes: [UInt8] {
        Array(self.text.utf8)
    }

    /// A label value as the format quotes it: backslash, double quote and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        Self.escape(value, quotes: true)
    }

    /// A help text as the format writes it: backslash and line feed escaped.
    static func escapeHelp(_ help: String) -> String {
        Self.escape(help, quotes: false)
    }

    private static func escape(_ text: String, quotes: Bool) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A || (quotes && $0 == 0x22) }) else {
            return text
        }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"" where quotes: escaped += "\\\""
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}

/// A number as the exposition format writes it, the same in every locale.
protocol PrometheusNumber {
    /// The text of the number in a sample line.
    var exposition: String { get }
}

extension UInt64: PrometheusNumber {
    var exposition: String {
        String(self)
    }
}

extension Int64: PrometheusNumber {
    var exposition: String {
        String(self)
    }
}

extension Double: PrometheusNumber {
    /// Whole numbers without a fraction (`5`), others as Swift describes them (`0.25`, `1e-05`),
    /// and the special values as `+Inf`, `-Inf` and `NaN`.
    var exposition: String {
        if self.isNaN {
            return "NaN"
        }
        if self.isInfinite {
            return self < 0 ? "-Inf" : "+Inf"
        }
        if self == self.rounded(), abs(self) < 1e15 {
            return String(Int64(self))
        }
        return self.description
    }
}
