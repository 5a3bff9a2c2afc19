import Glibc

/// The outcome of a call on a non-blocking descriptor: a value, or nothing to do yet.
enum IOResult<Value> {
    case done(Value)
    case wouldBlock
}

/// The single place where system calls meet `errno`.
///
/// Every wrapper retries `EINTR`, reports `EAGAIN` as `.wouldBlock`, traps on `EBADF` and `EFAULT` (those are
/// bugs in this module, never conditions of the environment) and throws `HTTPServerError` for anything else.
enum Syscall {
    /// Runs `body` until it stops failing with `EINTR`.
    ///
    /// - Parameters:
    ///   - function: the name of the call, kept in the error.
    ///   - body: the call; it returns -1 and sets `errno` on failure.
    /// - Returns: the call's result, or `.wouldBlock` for `EAGAIN`.
    /// - Throws: `HTTPServerError` converted from `errno`.
    @inline(__always)
    static func call<Result: FixedWidthInteger>(
        _ function: String,
        _ body: () -> Result
    ) throws(HTTPServerError) -> IOResult<Result> {
        while true {
            let result = body()
            if result >= 0 {
                return .done(result)
            }

            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return .wouldBlock
            case EBADF, EFAULT:
                preconditionFailure("\(function) was given a bad descriptor or address (errno \(code))")
            default:
                throw HTTPServerError(errno: code, function: function)
            }
        }
    }

    /// Like `call`, for calls that cannot return `EAGAIN`: the result itself.
    ///
    /// - Throws: `HTTPServerError` converted from `errno`.
    @inline(__always)
    static func callBlocking<Result: FixedWidthInteger>(
        _ function: String,
        _ body: () -> Result
    ) throws(HTTPServerError) -> Result {
        switch try self.call(function, body) {
        case .done(let result):
            return result
        case .wouldBlock:
            throw HTTPServerError(errno: EAGAIN, function: function)
        }
    }

    /// Closes a descriptor. `EINTR` is ignored: on Linux the descriptor is released whatever `close` reports.
    static func close(_ descriptor: Int32) {
        let result = Glibc.close(descriptor)
        if result < 0 {
            precondition(errno != EBADF, "close was given a descriptor that is not open")
        }
    }
}
