/// How a program run by ``ScriptProcess`` ended, and what it wrote.
struct ScriptResult {
    /// The exit status (128 plus the number of a signal that ended it), or nil when it was killed for taking too long.
    var status: Int32?
    /// Everything it wrote to standard output.
    var output: String
    /// Everything it wrote to standard error.
    var errors: String

    /// Both outputs, for a failed expectation's message.
    var transcript: String {
        let status = self.status.map(String.init) ?? "none (killed)"
        return "status \(status)\n--- stdout\n\(self.output)--- stderr\n\(self.errors)"
    }

    /// The lines of standard output.
    var outputLines: [String] {
        self.output.split(separator: "\n").map(String.init)
    }
}
