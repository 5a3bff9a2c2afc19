import CEpoll
import Glibc

/// An epoll instance with its array of ready events.
///
/// NOT THREAD-SAFE: owned and used by one event loop thread, except `add` of the shared listener at set-up.
struct Epoll {
    /// Input is available (or the peer closed).
    static let readable = EPOLLIN.rawValue
    /// The socket accepts more output.
    static let writable = EPOLLOUT.rawValue
    /// An error is pending; always reported.
    static let error = EPOLLERR.rawValue
    /// Both directions are shut down; always reported.
    static let hangUp = EPOLLHUP.rawValue
    /// Wake only one of the epoll sets sharing the descriptor (for the shared listener).
    static let exclusive = EPOLLEXCLUSIVE.rawValue

    /// The epoll descriptor.
    let descriptor: Int32
    private let events: UnsafeMutablePointer<epoll_event>
    private let capacity: Int

    /// Creates an epoll instance able to report `capacity` events per wait.
    ///
    /// - Throws: `HTTPServerError` from `epoll_create1`.
    init(capacity: Int) throws(HTTPServerError) {
        self.descriptor = try Syscall.callBlocking("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        self.capacity = capacity
        self.events = .allocate(capacity: capacity)
    }

    /// Starts watching `descriptor` for `events`; `token` comes back with each of its events.
    ///
    /// - Throws: `HTTPServerError` from `epoll_ctl`.
    func add(_ descriptor: Int32, events: UInt32, token: UInt64) throws(HTTPServerError) {
        try self.control(EPOLL_CTL_ADD, descriptor, events: events, token: token)
    }

    /// Changes what `descriptor` is watched for.
    ///
    /// - Throws: `HTTPServerError` from `epoll_ctl`.
    func modify(_ descriptor: Int32, events: UInt32, token: UInt64) throws(HTTPServerError) {
        try self.control(EPOLL_CTL_MOD, descriptor, events: events, token: token)
    }

    /// Stops watching `descriptor`.
    ///
    /// - Throws: `HTTPServerError` from `epoll_ctl`.
    func remove(_ descriptor: Int32) throws(HTTPServerError) {
        try self.control(EPOLL_CTL_DEL, descriptor, events: 0, token: 0)
    }

    /// Waits until some descriptor is ready or `timeoutMilliseconds` pass (-1 waits forever).
    ///
    /// BLOCKS the calling thread. Read the results with `event(at:)`.
    ///
    /// - Returns: the number of ready events; 0 on timeout or when interrupted by a signal.
    /// - Throws: `HTTPServerError` from `epoll_wait`.
    func wait(timeoutMilliseconds: Int32) throws(HTTPServerError) -> Int {
        let result = epoll_wait(self.descriptor, self.events, Int32(self.capacity), timeoutMilliseconds)
        if result < 0 {
            let code = errno
            guard code == EINTR else {
                throw HTTPServerError(errno: code, function: "epoll_wait")
            }
            return 0
        }
        return Int(result)
    }

    /// The event flags and token of the `index`-th result of the last `wait`.
    @inline(__always)
    func event(at index: Int) -> (events: UInt32, token: UInt64) {
        let event = self.events[index]
        return (event.events, event.data.u64)
    }

    /// Closes the descriptor and frees the event array. Call once, on the owning thread.
    func close() {
        Syscall.close(self.descriptor)
        self.events.deallocate()
    }

    private func control(
        _ operation: Int32,
        _ descriptor: Int32,
        events: UInt32,
        token: UInt64
    ) throws(HTTPServerError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        _ = try Syscall.callBlocking("epoll_ctl") { epoll_ctl(self.descriptor, operation, descriptor, &event) }
    }
}
