import CLinuxSys
import Glibc
import SSEHub

/// The real `hub` executable, started as a child process on a free port and stopped with SIGTERM.
final class HubProcess {
    let pid: pid_t
    private(set) var port = 0
    private let outputPath: String

    /// The `hub` binary next to the test bundle (SwiftPM builds both into the same folder).
    static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = String(decoding: buffer[0..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var folder = path
        while !folder.isEmpty && !folder.hasSuffix("/debug") && !folder.hasSuffix("/release") {
            folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
        }
        return folder + "/hub"
    }

    /// Runs `hub` with `arguments` and waits for its "listening" line.
    init(arguments: [String], environment: [String] = [], fileLimit: Int? = nil) throws {
        outputPath = "/tmp/ssehub-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).log"
        // Port 0: the kernel picks a free port and the hub says which in its first line, so parallel tests
        // never race for one.
        var arguments = arguments
        // Each hub its own demo database, so tests never share (or leave behind) one in the project.
        if !arguments.contains("--database") && !environment.contains(where: { $0.hasPrefix("HUB_DATABASE=") }) {
            arguments += ["--database", outputPath + ".sqlite3"]
        }
        var command = "exec \"\(Self.executable)\" --port 0 " + arguments.joined(separator: " ")
        if let fileLimit { command = "ulimit -n \(fileLimit) && " + command }
        command += " > \(outputPath) 2>&1"
        pid = try Spawn.shell(command, environment: environment)
        let deadline = TestClock.now() + 20
        while !output.contains("listening on") {
            guard TestClock.now() < deadline else { throw TestTimeout(what: "hub to start: \(output)") }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw TestTimeout(what: "hub exited at start: \(output)") }
            napBriefly()
        }
        // "listening on http://HOST:PORT with ...", alone (text) or inside a JSON message (--log-format json).
        let line = output.split(separator: "\n").first { $0.contains("listening on") }!
        let url = line.split(separator: "listening on http://").last!.split(separator: " ").first!
        port = Int(url.split(separator: ":").last!)!
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        unlink(outputPath)
        for suffix in [".sqlite3", ".sqlite3-wal", ".sqlite3-shm"] { unlink(outputPath + suffix) }
    }

    /// Environment for a hub whose RSS a test measures: under AddressSanitizer freed memory waits in a
    /// quarantine (256 MB by default) before reuse, which would count as growth; with none, RSS tracks what the
    /// hub holds. Without a sanitizer the variable is ignored.
    static var measuringMemory: [String] {
        let inherited = getenv("ASAN_OPTIONS").map { String(cString: $0) + ":" } ?? ""
        return ["ASAN_OPTIONS=\(inherited)quarantine_size_mb=0"]
    }

    /// Waits until the hub's output contains `text` (a line it logs at an event); false after `timeout` seconds.
    func waitForOutput(_ text: String, timeout: Double = 10) -> Bool {
        let deadline = TestClock.now() + timeout
        while !output.contains(text) {
            guard TestClock.now() < deadline, isRunning else { return output.contains(text) }
            napBriefly()
        }
        return true
    }

    var output: String {
        String(decoding: FileSystem.read(outputPath) ?? [], as: UTF8.self)
    }

    /// Resident set size in KiB, from /proc.
    /// Whether the process has not exited (a crash leaves a zombie until it is reaped; this reaps nothing).
    var isRunning: Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._kill.si_pid == 0
    }

    var rssKiB: Int {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return -1 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") {
                return Int(text.split(separator: " ").dropFirst().first ?? "") ?? -1
            }
        }
        return -1
    }

    /// Sends `signal` and waits for the exit status, up to `timeout` seconds.
    func stop(signal: Int32 = SIGTERM, timeout: Double = 10) -> (status: Int32, seconds: Double)? {
        kill(pid, signal)
        return waitForExit(timeout: timeout)
    }

    /// Waits for the exit status, up to `timeout` seconds; seconds counted from this call.
    func waitForExit(timeout: Double = 10) -> (status: Int32, seconds: Double)? {
        let started = TestClock.now()
        while TestClock.now() - started < timeout {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return ((status >> 8) & 0xFF, TestClock.now() - started)
            }
            napBriefly()
        }
        return nil
    }
}

enum Spawn {
    /// Runs `/bin/sh -c command` with extra `NAME=value` environment entries; returns its pid.
    static func shell(_ command: String, environment: [String] = []) throws -> pid_t {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var inherited: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            inherited.append(String(cString: entry))
            pointer += 1
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = (inherited + environment).map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The child gets stdin, stdout and stderr only: a socket another thread opened without close-on-exec a
        // moment before (hiredis sets it just after) would otherwise live on in it.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard result == 0 else { throw TestTimeout(what: "posix_spawn: \(result)") }
        return pid
    }

    /// Runs a command to completion; returns its exit status and output.
    static func run(_ command: String, environment: [String] = []) throws -> (status: Int32, output: String) {
        let path = "/tmp/ssehub-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(path) }
        let pid = try shell(command + " > \(path) 2>&1", environment: environment)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return ((status >> 8) & 0xFF, String(decoding: FileSystem.read(path) ?? [], as: UTF8.self))
    }
}
