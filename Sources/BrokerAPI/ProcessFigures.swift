import Glibc

/// Figures about the broker's process, read from `/proc` when asked; nil where a file cannot be read.
struct ProcessFigures: Equatable {
    /// When the process started, in seconds since the Unix epoch.
    var startTimeSeconds: Double?
    /// Resident memory in bytes.
    var residentBytes: UInt64?
    /// Open file descriptors, not counting the one used to count them.
    var openDescriptors: UInt64?
    /// User and system CPU time in seconds.
    var cpuSeconds: Double?

    /// The process's start time, read once: it does not change.
    private static let startTime: Double? = {
        guard let stat = ProcFile.fields(afterCommandOf: "/proc/self/stat"), stat.count > 19,
            let ticks = Double(stat[19]), let boot = ProcFile.bootTime()
        else {
            return nil
        }
        return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }()

    /// Reads the figures now.
    static func read() -> ProcessFigures {
        var figures = ProcessFigures(startTimeSeconds: self.startTime)
        if let statm = ProcFile.text("/proc/self/statm")?.split(separator: " "), statm.count > 1,
            let pages = UInt64(statm[1])
        {
            figures.residentBytes = pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
        }
        if let stat = ProcFile.fields(afterCommandOf: "/proc/self/stat"), stat.count > 12,
            let user = Double(stat[11]), let system = Double(stat[12])
        {
            figures.cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
        figures.openDescriptors = Self.countOpenDescriptors()
        return figures
    }

    private static func countOpenDescriptors() -> UInt64? {
        guard let directory = opendir("/proc/self/fd") else {
            return nil
        }
        defer { closedir(directory) }
        var count: UInt64 = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") {
                count += 1
            }
        }
        return count > 0 ? count - 1 : 0
    }

    /// Writes the process families; a figure that could not be read is left out.
    func write(to text: inout PrometheusText, prefix: String) {
        if let start = self.startTimeSeconds {
            text.single(
                prefix + "process_start_time_seconds",
                .gauge,
                help: "Start time of the process since the Unix epoch in seconds.",
                start
            )
        }
        if let cpu = self.cpuSeconds {
            text.single(
                prefix + "process_cpu_seconds_total",
                .counter,
                help: "User and system CPU time in seconds.",
                cpu
            )
        }
        if let resident = self.residentBytes {
            text.single(prefix + "process_resident_memory_bytes", .gauge, help: "Resident memory in bytes.", resident)
        }
        if let descriptors = self.openDescriptors {
            text.single(prefix + "process_open_fds", .gauge, help: "Open file descriptors.", descriptors)
        }
    }
}
