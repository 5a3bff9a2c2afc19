import BrokerAPI
import SessionCore

extension ImportCommand {
    /// What a line of the input holds.
    enum LineContent {
        /// Nothing but white space.
        case blank
        /// Something that is not a document the pool takes, and why.
        case rejected(String)
        /// A document to insert.
        case session(Session)
    }

    /// Reads `line` as `POST /sessions` reads a body: one JSON object in UTF-8, checked with the
    /// pool's field names. The reasons name the error codes the API would answer with.
    func interpret(_ line: NDJSONReader.Line) -> LineContent {
        guard !line.isTooLong else {
            return .rejected("payload_too_large: longer than \(self.configuration.http.maxBodyBytes) bytes")
        }
        guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
            return .blank
        }

        let value: JSONValue
        do {
            value = try JSONParser.parse(line.bytes)
        } catch {
            // The parser accepts only valid UTF-8, so the check costs nothing on lines that parse.
            guard String(validating: line.bytes, as: UTF8.self) != nil else {
                return .rejected("invalid_json: the line is not valid UTF-8")
            }
            return .rejected("invalid_json: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let document) = value else {
            return .rejected("invalid_request: a line must hold a JSON object, not \(value.kindName)")
        }

        do {
            return .session(try Session(creating: document, in: self.pool))
        } catch {
            return .rejected(error.description)
        }
    }
}
