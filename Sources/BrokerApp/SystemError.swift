#if canImport(Glibc)
import Glibc
#endif

/// A failed system call on a file, such as `read` or `write`, with its `errno`.
struct SystemError: Error, Sendable, CustomStringConvertible {
    let errno: Int32

    var description: String {
        String(cString: strerror(self.errno))
    }
}
