#if canImport(Glibc)
import Glibc
#endif

/// Writes whole byte buffers to a file descriptor it does not own, across short and interrupted writes.
struct FileDescriptorWriter: Sendable {
    let descriptor: Int32

    /// Writes every byte of `bytes`. It BLOCKS while the file, pipe or terminal does not take them.
    ///
    /// - Throws: ``SystemError`` when `write` fails.
    func write(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(self.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                guard errno == EINTR else {
                    throw SystemError(errno: errno)
                }
                continue
            }
            offset += written
        }
    }
}
