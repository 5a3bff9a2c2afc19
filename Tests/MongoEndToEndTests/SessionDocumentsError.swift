/// What went wrong adding or reading sessions through a broker.
struct SessionDocumentsError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
