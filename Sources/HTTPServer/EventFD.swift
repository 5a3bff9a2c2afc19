import CEpoll
import Glibc

/// An eventfd used to wake an event loop out of `epoll_wait` from another thread.
struct EventFD {
    /// The descriptor, non-blocking and close-on-exec.
    let descriptor: Int32

    /// Creates the eventfd.
    ///
    /// - Throws: `HTTPServerError` from `eventfd`.
    init() throws(HTTPServerError) {
        let flags = Int32(EFD_NONBLOCK | EFD_CLOEXEC)
        self.descriptor = try Syscall.callBlocking("eventfd") { eventfd(0, flags) }
    }

    /// Makes the descriptor readable. Safe from any thread while the descriptor is open.
    func signal() {
        var one: UInt64 = 1
        // A full counter (EAGAIN) already means "readable", which is all a wake-up needs.
        _ = try? Syscall.call("write") { Glibc.write(self.descriptor, &one, MemoryLayout<UInt64>.size) }
    }

    /// Resets the counter so that the descriptor stops being readable.
    func drain() {
        var value: UInt64 = 0
        _ = try? Syscall.call("read") { Glibc.read(self.descriptor, &value, MemoryLayout<UInt64>.size) }
    }

    /// Closes the descriptor. Call once, after the last `signal`.
    func close() {
        Syscall.close(self.descriptor)
    }
}
