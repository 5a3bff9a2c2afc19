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
            self.fragments.append(self.condition(path: condition.path, oneOf: Choices(choices), names: names))
        }
    }

    /// Whether there is no condition at all.
    var isEmpty: Bool {
        self.fragments.isEmpty
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

    /// SQL testing that the value at `path` equals one of `choices`; each `?` is one new parameter.
    ///
    /// Values are grouped by kind into `IN` lists, so that a long `$in` stays one shallow expression.
    private mutating func condition(path: FieldPath, oneOf choices: Choices, names: PoolFields) -> String {
        switch path.root {
        case "_id":
            guard path.segments.count == 1, !choices.strings.isEmpty else {
                return "0"
            }
            return "id IN (\(self.list(choices.strings.map { .text($0) })))"
        case let root where names.managed.contains(root):
            // Managed fields are scalars: nothing lies below them, so only null matches a deeper path.
            guard path.segments.count == 1 else {
                return choices.includesNull ? "1" : "0"
            }
            return self.managedCondition(column: Self.column(for: root, names: names), oneOf: choices)
        default:
            return self.documentCondition(path: path, oneOf: choices)
        }
    }

    private mutating func managedCondition(column: String, oneOf choices: Choices) -> String {
        var alternatives: [String] = []
        if choices.includesNull {
            alternatives.append("\(column) IS NULL")
        }
        switch column {
        case "active":
            alternatives += choices.booleans.map { "active IS \($0 ? 1 : 0)" }
        case "count_use", "count_success":
            if !choices.numbers.isEmpty {
                alternatives.append("\(column) IN (\(self.list(choices.numbers)))")
            }
        default:
            // Times are dates and never equal a JSON scalar.
            break
        }
        return Self.either(alternatives)
    }

    private mutating func documentCondition(path: FieldPath, oneOf choices: Choices) -> String {
        let jsonPath = SQLiteValue.text("$" + path.segments.map { ".\"\($0)\"" }.joined())
        var alternatives: [String] = []
        if !choices.strings.isEmpty {
            self.parameters += [jsonPath, jsonPath]
            let values = self.list(choices.strings.map { .text($0) })
            alternatives.append("(json_type(doc, ?) = 'text' AND json_extract(doc, ?) IN (\(values)))")
        }
        if !choices.numbers.isEmpty {
            self.parameters += [jsonPath, jsonPath]
            let values = self.list(choices.numbers)
            alternatives.append("(json_type(doc, ?) IN ('integer', 'real') AND json_extract(doc, ?) IN (\(values)))")
        }
        for flag in choices.booleans {
            self.parameters.append(jsonPath)
            alternatives.append("json_type(doc, ?) = '\(flag ? "true" : "false")'")
        }
        if choices.includesNull {
            self.parameters.append(jsonPath)
            alternatives.append("coalesce(json_type(doc, ?), 'null') = 'null'")
        }
        return Self.either(alternatives)
    }

    /// Appends `values` as parameters and returns their placeholders, `?, ?, …`.
    private mutating func list(_ values: [SQLiteValue]) -> String {
        self.parameters += values
        return Array(repeating: "?", count: values.count).joined(separator: ", ")
    }

    private static func either(_ alternatives: [String]) -> String {
        alternatives.isEmpty ? "0" : "(" + alternatives.joined(separator: " OR ") + ")"
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

/// The values of one condition, grouped by kind.
private struct Choices {
    var strings: [String] = []
    var numbers: [SQLiteValue] = []
    var booleans: Set<Bool> = []
    var includesNull = false

    init(_ values: [JSONValue]) {
        for value in values {
            switch value {
            case .string(let text): self.strings.append(text)
            case .int(let number): self.numbers.append(.integer(number))
            case .double(let number): self.numbers.append(.real(number))
            case .bool(let flag): self.booleans.insert(flag)
            case .null: self.includesNull = true
            case .array, .object: preconditionFailure("LeaseFilter admits only scalars")
            }
        }
    }
}
