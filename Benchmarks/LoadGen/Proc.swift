import Glibc
import SSEHub

/// Readings from /proc: CPU and memory of a process tree, the host's busy time, and our own CPU.
enum Proc {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func read(_ path: String) -> String {
        String(decoding: FileSystem.read(path) ?? [], as: UTF8.self)
    }

    /// `pid` and every process whose parent chain leads to it (nginx's workers under its master).
    static func tree(_ pid: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        guard let directory = opendir("/proc") else { return [pid] }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard let child = Int32(name), let fields = statFields(child), fields.count > 1,
                let parent = Int32(fields[1])
            else { continue }
            parents[child] = parent
        }
        var result = [pid]
        var changed = true
        while changed {
            changed = false
            for (child, parent) in parents where result.contains(parent) && !result.contains(child) {
                result.append(child)
                changed = true
            }
        }
        return result
    }

    /// Fields of /proc/PID/stat after the command name (field 3, state, is index 0).
    static func statFields(_ pid: Int32) -> [Substring]? {
        let text = read("/proc/\(pid)/stat")
        guard let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// utime + stime of the tree, in seconds.
    static func cpuSeconds(_ pids: [Int32]) -> Double {
        var ticks = 0
        for pid in pids {
            guard let fields = statFields(pid), fields.count > 12 else { continue }
            ticks += (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
        }
        return Double(ticks) / ticksPerSecond
    }

    /// Proportional set size of the tree in KiB: shared pages (nginx's shared memory zone) count once in all.
    static func pssKiB(_ pids: [Int32]) -> Int {
        var total = 0
        for pid in pids {
            for line in read("/proc/\(pid)/smaps_rollup").split(separator: "\n") where line.hasPrefix("Pss:") {
                total += Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            }
        }
        return total
    }

    /// (busy, total) jiffies of the whole host.
    static func hostJiffies() -> (busy: Double, total: Double) {
        guard let line = read("/proc/stat").split(separator: "\n").first else { return (0, 0) }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return (0, 0) }
        let idle = values[3] + values[4]
        let total = values.reduce(0, +)
        return (total - idle, total)
    }

    /// This process's own CPU seconds (user + system).
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
