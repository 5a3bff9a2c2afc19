import SessionCore

extension ImportCommand {
    /// Writes what the import did to standard error and returns the exit status.
    ///
    /// Call it once every insert has been answered.
    func report(store: any SessionStore, lastLine: Int, readError: SystemError?) -> Int32 {
        let counts = self.ledger.counts
        let summary =
            "inserted \(counts.inserted), duplicates skipped \(counts.duplicates), rejected \(counts.rejected), "
            + "blank \(counts.blank)"
        if counts.rejected > Self.listedRejections {
            let unlisted = counts.rejected - Self.listedRejections
            self.output.line("session-broker: \(unlisted) more rejected lines are not listed")
        }

        let stopped = "session-broker: import of \(self.source) into pool \(self.pool.name) stopped: \(summary)"
        if let stop = self.ledger.stop {
            self.output.line("session-broker: \(store.description) failed at line \(stop.line): \(stop.error)")
            self.output.line(self.resumption(after: stop.settledThrough, insertedBeyond: stop.insertedBeyond))
            self.output.line(stopped)
            return BrokerMain.failureStatus
        }
        if let readError {
            self.output.line("session-broker: cannot read \(self.source) after line \(lastLine): \(readError)")
            self.output.line(self.resumption(after: lastLine, insertedBeyond: 0))
            self.output.line(stopped)
            return BrokerMain.failureStatus
        }

        let seconds = self.output.elapsed
        let rate = Int((Double(counts.lines) / max(seconds, 0.001)).rounded())
        self.output.line(
            "session-broker: imported \(self.source) into pool \(self.pool.name) (\(store.description)): "
                + "\(counts.lines) lines in \(self.output.elapsedText) s (\(rate) lines/s): \(summary)"
        )
        return counts.rejected > 0 ? Self.rejectedStatus : 0
    }

    /// Says how far an import that stopped got, and how to go on from there.
    private func resumption(after line: Int, insertedBeyond: Int) -> String {
        var text = "session-broker: lines 1 to \(line) are done (inserted, skipped or rejected)"
        if insertedBeyond > 0 {
            text += "; \(insertedBeyond) later lines were inserted too"
        }
        let command =
            self.source == "standard input"
            ? "import the input from line \(line + 1) on"
            : "tail -n +\(line + 1) \(self.source) | session-broker import -"
        return text + ". To go on: \(command), with the same flags. Documents whose _id is stored already "
            + "are skipped as duplicates; a document without an _id would be stored again"
    }
}
