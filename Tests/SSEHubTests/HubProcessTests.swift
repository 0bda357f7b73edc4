import Broadcast
import Glibc
import Testing

@Suite struct HubProcessTests {
    @Test func helpListsEverySettingWithItsVariableAndDefault() throws {
        let (status, output) = try Spawn.run("\"\(HubProcess.executable)\" --help")
        #expect(status == 0)
        for flag in [
            "--host", "--port", "--loops", "--retry", "--keepalive", "--replay", "--high-water", "--max-head",
            "--max-body", "--max-channel-name", "--head-timeout", "--idle-timeout", "--publish-token",
        ] {
            #expect(output.contains(flag + " "), "\(flag) missing from --help")
        }
        #expect(output.contains("HUB_PORT, default: 8080"))
        #expect(output.contains("HUB_KEEPALIVE, default: 15"))
        #expect(output.contains("HUB_RETRY_MS, default: 3000"))
    }

    @Test(arguments: [
        ("--port 70000", "", "--port:"), ("--loops 0", "", "--loops:"), ("--keepalive soon", "", "--keepalive:"),
        ("--bogus 1", "", "unknown option --bogus"), ("", "HUB_MAX_BODY=-5", "HUB_MAX_BODY:"),
        ("--port", "", "needs a value"),
    ])
    func anInvalidSettingStopsStartUpWithOneLineNamingIt(_ arguments: String, _ environment: String, _ named: String)
        throws
    {
        let (status, output) = try Spawn.run(
            "\"\(HubProcess.executable)\" \(arguments)", environment: environment.isEmpty ? [] : [environment])
        #expect(status == 2)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(output)")
        #expect(output.contains(named), "\(output)")
    }

    @Test func readsSettingsFromTheEnvironmentAndFlagsWin() throws {
        let hub = try HubProcess(arguments: ["--retry", "777"], environment: ["HUB_RETRY_MS=555", "HUB_LOOPS=3"])
        let client = try SSEClient(port: hub.port, path: "/events/env")
        try client.readHead()
        try client.socket.read(until: "retry line") { String(decoding: $0, as: UTF8.self).contains("\n\n") }
        #expect(String(decoding: client.socket.buffer, as: UTF8.self).hasPrefix("retry: 777\n"))
        #expect(try JSONParser.parse(try TestHTTP.get(hub.port, "/health").body)["loops"] == .number(3))
    }

    @Test func sigtermEndsStreamsAndExitsZeroWithinFiveSeconds() throws {
        let hub = try HubProcess(arguments: [])
        var clients: [SSEClient] = []
        for index in 0..<50 {
            let client = try SSEClient(port: hub.port, path: "/events/s\(index % 5)")
            try client.readHead()
            clients.append(client)
        }
        let stopped = hub.stop(signal: SIGTERM, timeout: 5)
        #expect(stopped?.status == 0)
        #expect((stopped?.seconds ?? 99) < 5)
        for client in clients { #expect(client.socket.waitForClose(timeout: 1)) }
        #expect(hub.output.contains("stopped"))
    }

    /// Issue 8 item 17: an IPv6 address in a URL goes in brackets (RFC 3986 §3.2.2), or the line cannot be pasted.
    @Test func printsAnIPv6ListenAddressInBrackets() throws {
        let hub = try HubProcess(arguments: ["--host", "::1"])
        #expect(hub.output.contains("listening on http://[::1]:\(hub.port) "))
    }

    @Test func aSecondHubOnTheSamePortFailsToStart() throws {
        let hub = try HubProcess(arguments: [])
        let (status, output) = try Spawn.run("\"\(HubProcess.executable)\" --port \(hub.port)")
        #expect(status == 1)
        #expect(output.contains("Address already in use"), "\(output)")
    }

    @Test func sigintStopsTheHubToo() throws {
        let hub = try HubProcess(arguments: [])
        #expect(hub.stop(signal: SIGINT, timeout: 5)?.status == 0)
    }

    /// At the open-file limit the hub stops accepting instead of spinning on a readable listener, and accepts
    /// the waiting connections once descriptors free up.
    @Test func pausesAcceptingAtTheFileLimitAndResumes() throws {
        let hub = try HubProcess(arguments: ["--loops", "1"], fileLimit: 64)
        // What the hub holds itself (a sanitizer runtime or the demo's database may add descriptors): the test
        // fills the rest and then some, so it neither under- nor over-counts.
        let free = 64 - Self.openDescriptors(hub.pid).count
        var held: [TestSocket] = []
        for _ in 0..<(free + 16) { held.append(try TestSocket(port: hub.port)) }
        // The last connections wait in the listen backlog: they get no answer while the hub is at its limit.
        let waiting = held[held.count - 1]
        waiting.send("GET /health/ping HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(!waiting.readSome(timeout: 0.5))
        let cpuBefore = Self.cpuTicks(hub.pid)
        #expect(!waiting.readSome(timeout: 1.0))
        let cpuSpent = Self.cpuTicks(hub.pid) - cpuBefore
        #expect(cpuSpent < 20, "the hub spun for \(cpuSpent) ticks while paused")
        // Free descriptors: the waiting connection is accepted and answered.
        held.removeFirst(free)
        let response: TestResponse
        do {
            response = try waiting.readResponse(timeout: 10)
        } catch {
            let health = (try? TestHTTP.get(hub.port, "/health"))?.text ?? "no answer"
            let descriptors = Self.openDescriptors(hub.pid).joined(separator: " ")
            Issue.record(
                "no answer after freeing \(free) descriptors; health: \(health); hub holds: \(descriptors); log: \(hub.output)"
            )
            throw error
        }
        #expect(response.status == 200)
        let health = try JSONParser.parse(try waiting.exchange("GET", "/health").body)
        if case .number(let pauses)? = health["acceptPauses"] { #expect(pauses >= 1) }
    }

    /// What each open descriptor of a process refers to (`socket:[…]`, a path, …).
    static func openDescriptors(_ pid: pid_t) -> [String] {
        guard let directory = opendir("/proc/\(pid)/fd") else { return [] }
        defer { closedir(directory) }
        var targets: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            var target = [CChar](repeating: 0, count: 256)
            let length = readlink("/proc/\(pid)/fd/\(name)", &target, 255)
            let bytes = target[..<max(length, 0)].map { UInt8(bitPattern: $0) }
            targets.append(String(decoding: bytes, as: UTF8.self))
        }
        return targets
    }

    /// utime + stime of a process, in clock ticks.
    static func cpuTicks(_ pid: pid_t) -> Int {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 1024)
        fgets(&line, 1024, file)
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = text[text.lastIndex(of: ")")!...].split(separator: " ")
        return (Int(fields[12]) ?? 0) + (Int(fields[13]) ?? 0)
    }
}

@Suite struct DemoSiteTests {
    static let webRoot = String(#filePath.split(separator: "/Tests/").first!) + "/web"

    @Test func staticFilesCarryAnETagAndRevalidateWithA304() throws {
        let hub = try HubProcess(arguments: ["--web-root", Self.webRoot])
        let css = try TestHTTP.get(hub.port, "/static/vendor/pico.min.css")
        let tag = try #require(css.header("ETag"))
        #expect(tag.hasPrefix("\"") && tag.count == 26)
        #expect(css.header("Cache-Control") == "public, max-age=300")
        for condition in [tag, "W/\(tag)", "\"other\", \(tag)", "*"] {
            let again = try TestSocket(port: hub.port).exchange(
                "GET", "/static/vendor/pico.min.css", headers: [("If-None-Match", condition)])
            #expect(again.status == 304 && again.body.isEmpty && again.header("ETag") == tag, "\(condition)")
            #expect(again.header("Content-Length") == nil)
        }
        let changed = try TestHTTP.get(hub.port, "/static/vendor/pico.min.css", headers: [("If-None-Match", "\"old\"")])
        #expect(changed.status == 200 && changed.body == css.body)
    }

    @Test func servesTheDemoPageAndItsAssetsFromMemory() throws {
        let hub = try HubProcess(arguments: ["--web-root", Self.webRoot])
        let page = try TestHTTP.get(hub.port, "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        // The page runs no inline script, so its policy allows only this site's files.
        #expect(page.header("Content-Security-Policy")?.hasPrefix("default-src 'self'") == true)
        #expect(!page.text.contains("<script>") && page.text.contains(#"<script src="/static/app/chat.js">"#))
        #expect(
            try TestHTTP.get(hub.port, "/static/app/chat.js").header("Content-Type") == "text/javascript; charset=utf-8"
        )
        #expect(page.text.contains(#"sse-connect="/events/demo""#))
        let htmx = try TestHTTP.get(hub.port, "/static/vendor/htmx-2.min.js")
        #expect(htmx.status == 200, "run scripts/fetch-assets first")
        #expect(htmx.text.contains(#"version:"2.0.10""#))
        #expect(try TestHTTP.get(hub.port, "/static/../../Package.swift").status == 404)
        #expect(try TestHTTP.get(hub.port, "/static/nope.js").status == 404)
    }
}

@Suite struct ReadmeTests {
    static let root = String(#filePath.split(separator: "/Tests/").first!)

    /// The README's in-process example is the file the package compiles, byte for byte, and it runs.
    @Test func theReadmeExampleIsTheCompiledExampleAndRuns() throws {
        let readme = String(decoding: FileSystem.read(Self.root + "/README.md") ?? [], as: UTF8.self)
        let example = String(
            decoding: FileSystem.read(Self.root + "/Examples/InProcess/main.swift") ?? [], as: UTF8.self)
        #expect(!example.isEmpty)
        #expect(readme.contains("```swift\n" + example + "```"), "README's example differs from Examples/InProcess")
        let binary = String(HubProcess.executable.dropLast("hub".count)) + "broadcast-example"
        let (status, output) = try Spawn.run("timeout 20 \"\(binary)\"")
        #expect(status == 0)
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("received ") }.count == 3, "\(output)")
    }
}

extension ReadmeTests {
    @Test func theReadmeConfigurationTableListsEverySetting() throws {
        let readme = String(decoding: FileSystem.read(Self.root + "/README.md") ?? [], as: UTF8.self)
        let (_, help) = try Spawn.run("\"\(HubProcess.executable)\" --help")
        let flags = help.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("--") && $0 != "--help" }
        }
        #expect(flags.count >= 16)
        for flag in flags { #expect(readme.contains("| `\(flag)` |"), "\(flag) is not in the README table") }
    }
}
