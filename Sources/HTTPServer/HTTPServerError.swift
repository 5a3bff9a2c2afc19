import Glibc

/// Everything that can go wrong when starting or running the server, as one error type.
///
/// System-call failures are converted from `errno` once, in `init(errno:function:)`; the raw value and the name of
/// the failing call stay in the error for logs.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, to switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case alreadyStarted
            case invalidAddress
            case addressInUse
            case permissionDenied
            case tooManyOpenFiles
            case connectionReset
            case brokenPipe
            case systemCallFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A configuration field is out of range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// `start()` was called on a server that was already started.
        public static let alreadyStarted = Code(.alreadyStarted)
        /// The host is not a numeric address of this machine (`EADDRNOTAVAIL` or unparsable).
        public static let invalidAddress = Code(.invalidAddress)
        /// Another socket holds the address (`EADDRINUSE`).
        public static let addressInUse = Code(.addressInUse)
        /// The process may not bind there (`EACCES`, `EPERM`).
        public static let permissionDenied = Code(.permissionDenied)
        /// The process or the system is out of file descriptors (`EMFILE`, `ENFILE`).
        public static let tooManyOpenFiles = Code(.tooManyOpenFiles)
        /// The peer reset the connection (`ECONNRESET`).
        public static let connectionReset = Code(.connectionReset)
        /// The peer is gone while writing (`EPIPE`).
        public static let brokenPipe = Code(.brokenPipe)
        /// Any other failed system call.
        public static let systemCallFailed = Code(.systemCallFailed)

        /// The name of the code, for logs.
        public var description: String {
            self.base.rawValue
        }
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for a person.
    public let message: String
    /// The `errno` value when a system call failed, else nil.
    public let errno: Int32?
    /// The name of the system call that failed, else nil.
    public let function: String?

    /// Creates an error that did not come from a system call.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
        self.errno = nil
        self.function = nil
    }

    /// Converts a failed system call: the one place where `errno` values become codes.
    ///
    /// - Parameters:
    ///   - errno: the value of `errno` right after the call.
    ///   - function: the name of the call, for example `"bind"`.
    public init(errno: Int32, function: String) {
        switch errno {
        case EADDRINUSE: self.code = .addressInUse
        case EADDRNOTAVAIL: self.code = .invalidAddress
        case EACCES, EPERM: self.code = .permissionDenied
        case EMFILE, ENFILE: self.code = .tooManyOpenFiles
        case ECONNRESET: self.code = .connectionReset
        case EPIPE: self.code = .brokenPipe
        default: self.code = .systemCallFailed
        }
        self.message = "\(function) failed: \(String(cString: strerror(errno)))"
        self.errno = errno
        self.function = function
    }

    /// Code, errno when there is one, and message on one line.
    public var description: String {
        if let errno = self.errno {
            return "HTTPServerError(\(self.code), errno \(errno)): \(self.message)"
        }
        return "HTTPServerError(\(self.code)): \(self.message)"
    }
}
