import Glibc

/// A real `redis-server` on a free loopback port, started by the test and killed at the end. Restartable on
/// the same port, to test outages.
final class RedisServer {
    let port: Int
    private(set) var pid: pid_t = 0

    /// With `unixSocket`, Redis also listens on that path.
    let unixSocket: String?

    init(unixSocket: String? = nil) throws {
        port = try Self.freePort()
        self.unixSocket = unixSocket
        try start()
    }

    deinit { stop() }

    func start() throws {
        pid = try Spawn.shell(
            "exec redis-server --port \(port) --bind 127.0.0.1 --save '' --appendonly no --protected-mode no"
                + (unixSocket.map { " --unixsocket \($0) --unixsocketperm 700" } ?? "") + " > /dev/null 2>&1")
        let deadline = TestClock.now() + 10
        while !ping() {
            guard TestClock.now() < deadline else { throw TestTimeout(what: "redis-server on port \(port)") }
            napBriefly()
        }
    }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    /// Sends one inline command and returns the raw reply (tests read PUBSUB CHANNELS and the like).
    /// The whole reply is read (a long `CLIENT LIST` arrives in several reads).
    func command(_ line: String) throws -> String {
        let socket = try TestSocket(port: port)
        socket.send(line + "\r\n")
        try socket.read(until: "a whole reply to \(line)", timeout: 5) { Self.replyLength($0, from: 0) != nil }
        return String(decoding: socket.buffer, as: UTF8.self)
    }

    /// Bytes of the RESP reply starting at `start`, or nil while it is incomplete.
    static func replyLength(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count,
            let lineEnd = bytes[start...].indices.first(where: {
                $0 + 1 < bytes.count && bytes[$0] == 13 && bytes[$0 + 1] == 10
            })
        else { return nil }
        let header = lineEnd + 2 - start
        let count = Int(String(decoding: bytes[(start + 1)..<lineEnd], as: UTF8.self)) ?? 0
        switch bytes[start] {
        case UInt8(ascii: "$"):
            guard count >= 0 else { return header }
            return bytes.count >= start + header + count + 2 ? header + count + 2 : nil
        case UInt8(ascii: "*"):
            var length = header
            for _ in 0..<max(0, count) {
                guard let element = replyLength(bytes, from: start + length) else { return nil }
                length += element
            }
            return length
        default:
            return header
        }
    }

    private func ping() -> Bool {
        (try? command("PING"))?.hasPrefix("+PONG") ?? false
    }

    /// A port that is free now; tests that race for it retry by failing loudly, not silently.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension RedisServer {
    /// Freezes Redis (SIGSTOP): connections stay open but nothing answers, the silent failure only liveness
    /// checks can see. `resume()` thaws it.
    func freeze() { signal(SIGSTOP) }
    func resume() { signal(SIGCONT) }

    private func signal(_ number: Int32) {
        if pid > 0 { kill(pid, number) }
    }
}
