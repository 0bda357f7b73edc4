import Glibc

/// The soak's redis-server: started (by `start()`) on a free loopback port with no persistence (a restart loses every
/// stream, as a crashed cache would), and the faults done to it. Only the fault thread touches it after start.
final class RedisControl: @unchecked Sendable {
    // @unchecked: `pid` is written by the fault thread only, after the driver's start; others read `port`.
    let port: Int
    private(set) var pid: pid_t = 0
    private let output: String

    init(output: String) {
        port = Sys.freePort()
        self.output = output
    }

    func start() {
        pid = Sys.spawn(
            [
                "redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--protected-mode", "no",
            ], output: output)
        for _ in 0..<100 {
            if command(["PING"])?.hasPrefix("+PONG") == true { return }
            Sys.sleep(seconds: 0.1)
        }
        fatalError("soak: redis-server did not start on port \(port)")
    }

    func kill9() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    func freeze() { kill(pid, SIGSTOP) }
    func thaw() { kill(pid, SIGCONT) }

    func stop() {
        thaw()
        Sys.stop(pid)
    }

    /// Sends one command (RESP array of bulk strings) on a fresh connection; returns the raw reply.
    func command(_ parts: [[UInt8]]) -> String? {
        guard let fd = Sys.connect(port: port, blocking: true, timeout: 2) else { return nil }
        defer { close(fd) }
        var bytes = Array("*\(parts.count)\r\n".utf8)
        for part in parts {
            bytes += Array("$\(part.count)\r\n".utf8) + part + [13, 10]
        }
        guard Sys.sendAll(fd, bytes) else { return nil }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &chunk, chunk.count, 0)
        return count > 0 ? String(decoding: chunk[0..<count], as: UTF8.self) : nil
    }

    func command(_ parts: [String]) -> String? { command(parts.map { Array($0.utf8) }) }
}
