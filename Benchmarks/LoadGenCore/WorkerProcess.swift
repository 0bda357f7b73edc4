import Glibc

/// A worker: this same executable, started again with other arguments as a child process, spoken to over its
/// stdin and stdout (one line per message). Load generator and soak both split their subscribers over
/// workers, so no process nears its descriptor limit. Owned by the thread that started it.
public final class WorkerProcess {
    public let pid: pid_t
    private let input: Int32
    private let output: Int32
    private var pending: [UInt8] = []

    public init(arguments: [String]) {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        precondition(pipe(&toChild) == 0 && pipe(&fromChild) == 0, "cannot make a worker's pipes")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addclose(&actions, toChild[1])
        posix_spawn_file_actions_addclose(&actions, fromChild[0])
        let executable = "/proc/self/exe"
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        precondition(result == 0, "cannot start a worker: \(result)")
        posix_spawn_file_actions_destroy(&actions)
        close(toChild[0])
        close(fromChild[1])
        self.pid = pid
        input = toChild[1]
        output = fromChild[0]
    }

    /// How `total` items split over `processes` workers: each worker's count and the offset of its first.
    /// Workers past the last item get none and are left out.
    public static func shares(of total: Int, over processes: Int) -> [(count: Int, offset: Int)] {
        let share = (total + max(1, processes) - 1) / max(1, processes)
        return (0..<max(1, processes)).map { (min(share, total - $0 * share), $0 * share) }.filter { $0.count > 0 }
    }

    public func send(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
    }

    /// The next line the worker prints, waiting up to `timeout` seconds; nil at the deadline or its exit.
    public func readLine(timeout: Double) -> String? {
        let deadline = Self.monotonicNanoseconds() + UInt64(timeout * 1e9)
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                return line
            }
            let now = Self.monotonicNanoseconds()
            guard now < deadline else { return nil }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(1000, (deadline - now) / 1_000_000 + 1))) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(output, &chunk, chunk.count)
            guard count > 0 else { return nil }
            pending.append(contentsOf: chunk[0..<count])
        }
    }

    /// Waits for the worker to exit, then closes the pipes.
    public func wait() {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(input)
        close(output)
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
