#if canImport(Glibc)
import Glibc
#endif

/// Where an export writes: standard output, or a file that takes its name only once it is complete.
///
/// A regular file is written beside its destination under a temporary name, readable by its owner
/// only (documents hold credentials), flushed to disk and renamed at ``commit()``; an export that
/// fails leaves whatever was at the destination untouched. A destination that exists and is not a
/// regular file (a pipe, a device) is written directly.
struct ExportDestination {
    /// The descriptor to write to.
    let descriptor: Int32
    /// The destination as messages name it.
    let name: String
    private let path: String?
    private let temporaryPath: String?

    /// Opens the destination; nil or `-` is standard output.
    ///
    /// - Throws: ``ConfigurationError`` naming `--output` when the file cannot be created.
    init(path: String?) throws(ConfigurationError) {
        guard let path, path != "-" else {
            self.descriptor = STDOUT_FILENO
            self.name = "standard output"
            self.path = nil
            self.temporaryPath = nil
            return
        }

        var status = stat()
        let isSpecial = stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFREG
        let temporaryPath = isSpecial ? nil : "\(path).\(getpid()).partial"
        let descriptor =
            if let temporaryPath {
                open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            } else {
                open(path, O_WRONLY | O_CLOEXEC)
            }
        guard descriptor >= 0 else {
            throw ConfigurationError(key: "--output", "cannot write \(path): \(SystemError(errno: errno))")
        }
        self.descriptor = descriptor
        self.name = path
        self.path = path
        self.temporaryPath = temporaryPath
    }

    /// Flushes a file to disk and gives it its name; closes what it opened.
    ///
    /// - Throws: ``SystemError`` when the file cannot be flushed or renamed; it is removed then.
    func commit() throws(SystemError) {
        guard let path = self.path else {
            return
        }
        guard let temporaryPath = self.temporaryPath else {
            close(self.descriptor)
            return
        }
        var failure = fsync(self.descriptor) == 0 ? nil : errno
        if close(self.descriptor) != 0, failure == nil {
            failure = errno
        }
        if failure == nil, rename(temporaryPath, path) != 0 {
            failure = errno
        }
        if let failure {
            unlink(temporaryPath)
            throw SystemError(errno: failure)
        }
    }

    /// Closes what it opened and removes a file written under a temporary name.
    func discard() {
        guard self.path != nil else {
            return
        }
        close(self.descriptor)
        if let temporaryPath = self.temporaryPath {
            unlink(temporaryPath)
        }
    }
}
