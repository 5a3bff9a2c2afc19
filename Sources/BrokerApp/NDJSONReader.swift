#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-delimited JSON from a file descriptor, one line at a time, with a bound on a line's length.
///
/// Lines end with `\n`; a `\r` before it is dropped, and the last line needs no line feed. A line
/// longer than the bound is read past without being kept, and reported as too long. A UTF-8 byte
/// order mark at the start of the input is dropped. The reader does not parse JSON.
struct NDJSONReader {
    /// One line of the input.
    struct Line {
        /// The line's number, counted from 1.
        let number: Int
        /// The line without its line end; empty when the line is too long.
        let bytes: [UInt8]
        /// Whether the line was longer than the reader's bound.
        let isTooLong: Bool
    }

    private let descriptor: Int32
    private let maximumLength: Int
    private var chunk: [UInt8]
    private var position = 0
    private var filled = 0
    private var isAtEnd = false
    private var lineNumber = 0

    /// The size of one `read` from the input.
    static let chunkSize = 256 * 1024

    /// Reads from `descriptor`, which stays open and owned by the caller.
    ///
    /// - Parameter maximumLength: the longest line kept, in bytes, without its line end.
    init(descriptor: Int32, maximumLength: Int) {
        self.descriptor = descriptor
        self.maximumLength = maximumLength
        self.chunk = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    /// The next line, or nil at the end of the input. It BLOCKS while the input has nothing to read.
    ///
    /// - Throws: ``SystemError`` when the input cannot be read.
    mutating func next() throws(SystemError) -> Line? {
        var bytes: [UInt8] = []
        var isTooLong = false
        var hasContent = false
        while true {
            if self.position == self.filled {
                guard !self.isAtEnd else {
                    return hasContent ? self.finish(bytes, isTooLong: isTooLong) : nil
                }
                try self.fill()
                continue
            }
            hasContent = true

            let newline = self.indexOfNewline()
            let stop = newline ?? self.filled
            // One byte more than the bound may be a `\r` that `finish` drops.
            if !isTooLong, bytes.count + (stop - self.position) > self.maximumLength + 1 {
                isTooLong = true
                bytes = []
            }
            if !isTooLong {
                bytes.append(contentsOf: self.chunk[self.position..<stop])
            }
            self.position = stop
            if newline != nil {
                self.position += 1
                return self.finish(bytes, isTooLong: isTooLong)
            }
        }
    }

    private mutating func finish(_ bytes: [UInt8], isTooLong: Bool) -> Line {
        self.lineNumber += 1
        var line = bytes[...]
        if line.last == UInt8(ascii: "\r") {
            line = line.dropLast()
        }
        if self.lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
            line = line.dropFirst(3)
        }
        guard !isTooLong, line.count <= self.maximumLength else {
            return Line(number: self.lineNumber, bytes: [], isTooLong: true)
        }
        return Line(number: self.lineNumber, bytes: Array(line), isTooLong: false)
    }

    /// Whether ``next()`` can return a line without reading the input, and so without blocking.
    var hasBufferedLine: Bool {
        self.indexOfNewline() != nil
    }

    /// Where the next `\n` in the unread part of the chunk is, if there is one.
    private func indexOfNewline() -> Int? {
        self.chunk.withUnsafeBytes { buffer in
            let start = buffer.baseAddress! + self.position
            return memchr(start, 0x0A, self.filled - self.position).map {
                self.position + start.distance(to: UnsafeRawPointer($0))
            }
        }
    }

    private mutating func fill() throws(SystemError) {
        let descriptor = self.descriptor
        let (count, error) = self.chunk.withUnsafeMutableBytes { buffer in
            while true {
                let count = read(descriptor, buffer.baseAddress, buffer.count)
                if count >= 0 || errno != EINTR {
                    return (count, errno)
                }
            }
        }
        guard count >= 0 else {
            throw SystemError(errno: error)
        }
        self.position = 0
        self.filled = count
        self.isAtEnd = count == 0
    }
}
