import Foundation

/// The last stage of a Dockerfile, the one the image runs, as a list of instructions.
///
/// Comment lines are dropped and continued lines joined, which is all the repository's Dockerfile needs; this is
/// not a parser for every Dockerfile.
struct DockerfileStage {
    /// One instruction: its keyword in capitals and the rest of its text.
    struct Instruction {
        var keyword: String
        var arguments: String
    }

    /// The stage's instructions, from its `FROM` on.
    var instructions: [Instruction]

    /// Reads the last stage of the Dockerfile `text`.
    init(text: String) {
        var logical: [String] = []
        var pending = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                continue
            }
            if trimmed.hasSuffix("\\") {
                pending += trimmed.dropLast() + " "
                continue
            }
            logical.append(pending + trimmed)
            pending = ""
        }

        var instructions: [Instruction] = []
        for line in logical where !line.isEmpty {
            let parts = line.split(separator: " ", maxSplits: 1)
            let instruction = Instruction(
                keyword: parts[0].uppercased(),
                arguments: parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            )
            if instruction.keyword == "FROM" {
                instructions = []
            }
            instructions.append(instruction)
        }
        self.instructions = instructions
    }

    /// The arguments of every instruction with `keyword`, in order.
    func arguments(of keyword: String) -> [String] {
        self.instructions.filter { $0.keyword == keyword }.map(\.arguments)
    }

    /// The variables the stage's `ENV` instructions set, written `KEY=VALUE` without spaces or quotes.
    var environment: [String: String] {
        var variables: [String: String] = [:]
        for arguments in self.arguments(of: "ENV") {
            for pair in arguments.split(whereSeparator: \.isWhitespace) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
        }
        return variables
    }
}
