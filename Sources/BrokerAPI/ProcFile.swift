import Glibc

/// Small files of `/proc`, read whole with plain system calls.
enum ProcFile {
    /// The text of the file at `path`, at most `limit` bytes of it; nil when it cannot be read.
    static func text(_ path: String, limit: Int = 65_536) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return nil
        }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                break
            }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The fields of a `stat` file after the command name in parentheses, which may hold spaces:
    /// element 0 is the state, the third field of the file.
    static func fields(afterCommandOf path: String) -> [Substring]? {
        guard let text = self.text(path), let parenthesis = text.lastIndex(of: ")") else {
            return nil
        }
        return text[text.index(after: parenthesis)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
    }

    /// When the machine booted, in seconds since the Unix epoch, from `btime` in `/proc/stat`.
    static func bootTime() -> Double? {
        guard let text = self.text("/proc/stat", limit: 1 << 20) else {
            return nil
        }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst("btime ".count))
        }
        return nil
    }
}
