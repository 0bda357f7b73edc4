import Glibc
import SSEHub
import Testing

/// Redis failing the ways it fails in production, for as long as it does: killed (connections refused), a
/// listener that accepts and hangs up at once (a proxy or a restarting server), and frozen (SIGSTOP: connections
/// stay open, nothing answers). Two hub processes share it, with a subscriber on each. Through every fault both
/// hubs stay up and keep serving their own subscribers; afterwards they rejoin, and every subscriber has had each
/// event it was due exactly once, in order; where Redis restarted without its data, with at most one `reset`
/// (the hub cannot prove it missed nothing while away). (The crash of issue 8 item 1 came with the first failed redial.)
@Suite(.serialized) struct RedisOutageTests {
    @Test func thirtySecondsOfRedisRefusingConnections() throws {
        let group = try FaultGroup()
        group.redis.stop()
        try group.rideOut(seconds: 30)
        try group.redis.start()
        group.redisLostItsData = true
        try group.rejoin()
    }

    @Test func fifteenSecondsOfAListenerThatAcceptsAndHangsUp() throws {
        let group = try FaultGroup()
        group.redis.stop()
        let hangUp = try HangUpListener(port: group.redis.port, seconds: 15)
        try group.rideOut(seconds: 15)
        hangUp.wait()
        #expect(hangUp.accepted > 0, "the hubs redialled the listener")
        try group.redis.start()
        group.redisLostItsData = true
        try group.rejoin()
    }

    @Test func fifteenSecondsOfAFrozenRedis() throws {
        let group = try FaultGroup()
        group.redis.freeze()
        try group.rideOut(seconds: 15)
        group.redis.resume()
        try group.rejoin()
    }
}

/// Two `hub` processes joined through one real Redis, each with a subscriber of `group`, and what each
/// subscriber is due.
private final class FaultGroup {
    let redis: RedisServer
    let hubs: [HubProcess]
    let clients: [SSEClient]
    private var due: [[String]] = [[], []]
    private var published = 0
    /// Set when the fault restarted Redis (its data gone with it).
    var redisLostItsData = false

    init() throws {
        let redis = try RedisServer()
        self.redis = redis
        let hubs = try (0..<2).map { _ in
            try HubProcess(arguments: ["--redis", "127.0.0.1:\(redis.port)", "--loops", "2"])
        }
        self.hubs = hubs
        clients = try hubs.map { try SSEClient(port: $0.port, path: "/events/group") }
        try waitUntilGrouped()
        for client in clients { try client.readHead() }
        try waitUntilSubscribed()
        try publishAcrossTheGroup()
    }

    /// While the fault lasts, both hubs stay up and each one's broadcasts reach its own subscriber.
    func rideOut(seconds: Double) throws {
        let ends = TestClock.now() + seconds
        while TestClock.now() < ends {
            for (index, hub) in hubs.enumerated() {
                #expect(hub.isRunning, "hub \(index) died during the fault: \(hub.output)")
                guard hub.isRunning else { throw TestTimeout(what: "hub \(index) to survive") }
                try publish(on: index, reaching: [index])
            }
            pace()
        }
        for (index, hub) in hubs.enumerated() {
            let health = try TestHTTP.get(hub.port, "/health")
            #expect(String(decoding: health.body, as: UTF8.self).contains(#""status":"degraded""#), "hub \(index)")
        }
    }

    /// After the fault: both hubs ready and subscribed again, broadcasts from each reach both, and every
    /// subscriber got exactly what it was due, in order.
    func rejoin() throws {
        try waitUntilGrouped(timeout: 30)
        try waitUntilSubscribed(timeout: 30)
        try publishAcrossTheGroup()
        for (index, client) in clients.enumerated() {
            #expect(Self.events(of: client).map(\.data) == due[index], "subscriber on hub \(index)")
            let ids = Self.events(of: client).compactMap(\.id)
            #expect(Set(ids).count == ids.count, "no id twice on hub \(index)")
            // A Redis restarted without its data lost its streams: a hub that cannot prove it missed nothing
            // while cut off tells its streams once. Nothing else may reset them.
            let resets = client.events.filter { $0.event == "reset" }
            #expect(resets.count <= (redisLostItsData ? 1 : 0), "resets on hub \(index): \(resets)")
        }
        for (index, hub) in hubs.enumerated() {
            // Each connection logs a loss once per outage, however many redials fail: between two losses it
            // logged a reconnection (a busy machine may miss a ping after the outage; that is a new one).
            for connection in ["publish", "subscribe"] {
                let states = hub.output.split(separator: "\n").filter { $0.hasPrefix("redis \(connection): ") }
                    .compactMap { $0.contains(": lost ") ? "lost" : $0.contains(": connected ") ? "connected" : nil }
                #expect(states.first == "connected" && states.contains("lost"), "hub \(index) \(connection): \(states)")
                #expect(!zip(states, states.dropFirst()).contains { $0 == "lost" && $1 == "lost" }, "\(states)")
            }
            #expect(hub.stop()?.status == 0)
        }
    }

    /// What the subscriber got besides `reset` events.
    static func events(of client: SSEClient) -> [ReceivedEvent] { client.events.filter { $0.event != "reset" } }

    private func publishAcrossTheGroup() throws {
        for index in hubs.indices { try publish(on: index, reaching: [0, 1]) }
    }

    private func publish(on index: Int, reaching: [Int]) throws {
        published += 1
        let data = "e\(published)-from-\(index)"
        let response = try TestHTTP.postForm(hubs[index].port, "channel=group&data=\(data)")
        #expect(response.status == 200, "publish on hub \(index): \(String(decoding: response.body, as: UTF8.self))")
        for target in reaching {
            due[target].append(data)
            let client = clients[target]
            while Self.events(of: client).count < due[target].count {
                try client.waitForEvents(client.events.count + 1)
            }
        }
    }

    private func waitUntilGrouped(timeout: Double = 10) throws {
        try eventually("both hubs connected to Redis", timeout: timeout) {
            hubs.allSatisfy { (try? TestHTTP.get($0.port, "/health/ready"))?.status == 200 }
        }
    }

    private func waitUntilSubscribed(timeout: Double = 10) throws {
        try eventually("both hubs subscribed to group in Redis", timeout: timeout) {
            (try? redis.command("PUBSUB NUMSUB ssehub:channel:group"))?.contains(":2\r\n") == true
        }
    }

    /// Twenty broadcasts a second per hub: enough to meet every phase of a fault, few enough to read.
    private func pace() {
        var request = timespec(tv_sec: 0, tv_nsec: 50_000_000)
        nanosleep(&request, nil)
    }
}

/// A TCP listener on Redis's port that accepts every connection and closes it at once, for a bounded time.
/// Runs as a child process (python3), so its accept loop never shares a thread with the test.
private final class HangUpListener {
    private let pid: pid_t
    private let countPath = "/tmp/ssehub-hangup-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init(port: Int, seconds: Int) throws {
        let script = """
            import select, socket, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", \(port))); s.listen(64); n = 0; end = time.monotonic() + \(seconds)
            while time.monotonic() < end:
                if select.select([s], [], [], 0.1)[0]:
                    c, _ = s.accept(); c.close(); n += 1
            s.close(); open("\(countPath)", "w").write(str(n))
            """
        pid = try Spawn.shell("exec python3 -c '\(script)'")
    }

    /// Waits for the listener to end (it ends by itself when its time is up).
    func wait() {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    var accepted: Int {
        defer { unlink(countPath) }
        return Int(String(decoding: FileSystem.read(countPath) ?? [], as: UTF8.self)) ?? 0
    }
}
