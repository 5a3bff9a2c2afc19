import SessionCore

/// A ``LeaseFilter`` compiled to an SQL condition with bound parameters.
///
/// No text from the request reaches the SQL itself: paths and values are parameters, and the SQL
/// differs only by the number and kind of conditions, so prepared statements stay few.
struct SQLFilter {
    private var fragments: [String] = []
    private(set) var parameters: [SQLiteValue] = []

    static let none = SQLFilter()

    private init() {}

    init(_ filter: LeaseFilter, names: PoolFields) {
        for condition in filter.conditions {
            let choices: [JSONValue]
            switch condition.match {
            case .equals(let value): choices = [value]
            case .oneOf(let values): choices = values
            }
            let alternatives = choices.map { self.condition(path: condition.path, equals: $0, names: names) }
            self.fragments.append(alternatives.isEmpty ? "0" : "(" + alternatives.joined(separator: " OR ") + ")")
        }
    }

    /// The condition as ` AND …`, numbering parameters from `firstParameter`; empty when there is none.
    func clause(firstParameter: Int) -> String {
        guard !self.fragments.isEmpty else {
            return ""
        }
        var number = firstParameter
        var text = ""
        for fragment in self.fragments {
            text += " AND "
            var rest = Substring(fragment)
            while let mark = rest.firstIndex(of: "?") {
                text += rest[..<mark] + "?\(number)"
                number += 1
                rest = rest[rest.index(after: mark)...]
            }
            text += rest
        }
        return text
    }

    /// SQL testing that the value at `path` equals `value`; each `?` is one new parameter.
    private mutating func condition(path: FieldPath, equals value: JSONValue, names: PoolFields) -> String {
        switch path.root {
        case "_id":
            guard path.segments.count == 1, case .string(let text) = value else {
                return "0"
            }
            self.parameters.append(.text(text))
            return "id = ?"
        case let root where names.managed.contains(root):
            return self.managedCondition(column: Self.column(for: root, names: names), path: path, value: value)
        default:
            return self.documentCondition(path: path, value: value)
        }
    }

    private mutating func managedCondition(column: String, path: FieldPath, value: JSONValue) -> String {
        // Managed fields are scalars: nothing lies below them, so only null matches a deeper path.
        guard path.segments.count == 1 else {
            return value == .null ? "1" : "0"
        }
        switch (column, value) {
        case (_, .null):
            return "\(column) IS NULL"
        case ("active", .bool(let flag)):
            return "active IS \(flag ? 1 : 0)"
        case ("count_use", .int(let number)), ("count_success", .int(let number)):
            self.parameters.append(.integer(number))
            return "\(column) = ?"
        case ("count_use", .double(let number)), ("count_success", .double(let number)):
            self.parameters.append(.real(number))
            return "\(column) = ?"
        default:
            // Times are dates and never equal a JSON scalar; the other pairs differ in type.
            return "0"
        }
    }

    private mutating func documentCondition(path: FieldPath, value: JSONValue) -> String {
        let jsonPath = "$" + path.segments.map { ".\"\($0)\"" }.joined()
        switch value {
        case .null:
            self.parameters.append(.text(jsonPath))
            return "coalesce(json_type(doc, ?), 'null') = 'null'"
        case .bool(let flag):
            self.parameters.append(.text(jsonPath))
            return "json_type(doc, ?) = '\(flag ? "true" : "false")'"
        case .string(let text):
            self.parameters += [.text(jsonPath), .text(jsonPath), .text(text)]
            return "(json_type(doc, ?) = 'text' AND json_extract(doc, ?) = ?)"
        case .int(let number):
            self.parameters += [.text(jsonPath), .text(jsonPath), .integer(number)]
            return "(json_type(doc, ?) IN ('integer', 'real') AND json_extract(doc, ?) = ?)"
        case .double(let number):
            self.parameters += [.text(jsonPath), .text(jsonPath), .real(number)]
            return "(json_type(doc, ?) IN ('integer', 'real') AND json_extract(doc, ?) = ?)"
        case .array, .object:
            preconditionFailure("LeaseFilter admits only scalars")
        }
    }

    private static func column(for field: String, names: PoolFields) -> String {
        switch field {
        case names.active: "active"
        case names.lastUse: "last_use"
        case names.nextUse: "next_use"
        case names.countUse: "count_use"
        default: "count_success"
        }
    }
}
