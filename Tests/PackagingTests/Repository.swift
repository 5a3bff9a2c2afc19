import Foundation

/// Files of this repository, found from where this source file lies.
enum Repository {
    /// The repository's root directory.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The absolute path of `relative`, a path from the repository's root.
    static func path(_ relative: String) -> String {
        self.root.appendingPathComponent(relative).path
    }

    /// A new empty directory, for files a test writes; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("packaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
