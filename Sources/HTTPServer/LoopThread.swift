import CEpoll
import Glibc

/// A joinable POSIX thread that runs one closure, used for the event loops.
struct LoopThread: Sendable {
    private let handle: pthread_t

    /// Starts a thread named `name` (cut to 15 bytes, the kernel's limit) running `body`.
    ///
    /// - Throws: `HTTPServerError` when `pthread_create` fails.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(HTTPServerError) -> LoopThread {
        let entry = Unmanaged.passRetained(LoopThreadEntry(name: name, body: body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, runLoopThreadEntry, entry)

        guard result == 0 else {
            Unmanaged<LoopThreadEntry>.fromOpaque(entry).release()
            throw HTTPServerError(errno: result, function: "pthread_create")
        }
        return LoopThread(handle: handle)
    }

    /// Waits for the thread to finish. BLOCKS; MUST NOT be called from the thread itself.
    func join() {
        let result = pthread_join(self.handle, nil)
        precondition(result == 0, "pthread_join failed with \(result)")
    }
}

/// What a new thread runs, handed over through `pthread_create`'s argument.
private final class LoopThreadEntry {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

/// The C entry point of every loop thread: takes back the retained entry, names the thread and runs the body.
private func runLoopThreadEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let entry = Unmanaged<LoopThreadEntry>.fromOpaque(argument!).takeRetainedValue()
    _ = shim_set_thread_name(String(entry.name.utf8.prefix(15))!)
    entry.body()
    return nil
}
