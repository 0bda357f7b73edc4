import Broadcast
import Glibc
import SSEHub
import Synchronization
import Testing

/// Presence across hubs sharing one real Redis: every hub's observers hear the channel's subscribers summed
/// over the group, and a hub that dies drops out of the totals within `--redis-presence-ttl`.
@Suite(.serialized) struct GroupPresenceTests {
    final class Totals: Sendable {
        private let seen = Mutex<[String: [Int]]>([:])
        func record(_ channel: String, _ count: Int) { seen.withLock { $0[channel, default: []].append(count) } }
        func last(_ channel: String) -> Int? { seen.withLock { $0[channel]?.last } }
    }

    private func startHub(redis: RedisServer, presenceTTL: Duration = .seconds(15)) throws -> (Broadcaster, Totals) {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.loops = 2
        var timings = RedisGroupTests.fastTimings
        timings.presenceTTL = presenceTTL
        let broadcaster = try Broadcaster.start(
            configuration, redis: RedisAddress(parsing: "127.0.0.1:\(redis.port)"), redisTimings: timings)
        let totals = Totals()
        broadcaster.observePresence { channel, count in totals.record(channel, count) }
        try eventually("the hub joined Redis") { broadcaster.hub.relay?.isReady == true }
        return (broadcaster, totals)
    }

    /// Counts go by the script's SHA1, not its whole text on every change, and a flushed script cache costs no
    /// count (the one refused is sent again with the text).
    @Test func countsGoByTheScriptsSHAAndSurviveAFlushedScriptCache() throws {
        let redis = try RedisServer()
        let (a, totals) = try startHub(redis: redis)
        defer { a.shutdown() }
        let (evals, shas) = try (
            PublishBatchTests.calls(of: "eval", in: redis), PublishBatchTests.calls(of: "evalsha", in: redis)
        )
        let first = try SSEClient(port: a.hub.port, path: "/events/lobby")
        try first.readHead()
        try eventually("1 in the lobby") { totals.last("lobby") == 1 }
        _ = try redis.command("SCRIPT FLUSH")
        let second = try SSEClient(port: a.hub.port, path: "/events/lobby")
        try second.readHead()
        try eventually("2 in the lobby after the flush") { totals.last("lobby") == 2 }
        // Two writes by SHA1 (one refused after the flush); only that one again with the text.
        #expect(try PublishBatchTests.calls(of: "evalsha", in: redis) - shas == 2)
        #expect(try PublishBatchTests.calls(of: "eval", in: redis) - evals == 1)
        withExtendedLifetime((first, second)) {}
    }

    @Test func everyHubHearsTheChannelsSubscribersAcrossTheGroup() throws {
        let redis = try RedisServer()
        let (a, totalsA) = try startHub(redis: redis)
        let (b, totalsB) = try startHub(redis: redis)
        defer { [a, b].forEach { $0.shutdown() } }
        var onA = try SSEClient(port: a.hub.port, path: "/events/room")
        try onA.readHead()
        try eventually("1 in the room on both hubs") { totalsA.last("room") == 1 && totalsB.last("room") == 1 }
        let onB = try [1, 2].map { _ in try SSEClient(port: b.hub.port, path: "/events/room") }
        for client in onB { try client.readHead() }
        try eventually("3 in the room on both hubs") { totalsA.last("room") == 3 && totalsB.last("room") == 3 }
        onA = try SSEClient(port: b.hub.port, path: "/events/hall")  // the first client's socket closes
        try onA.readHead()
        try eventually("2 in the room and 1 in the hall on both hubs") {
            [totalsA, totalsB].allSatisfy { $0.last("room") == 2 && $0.last("hall") == 1 }
        }
        withExtendedLifetime(onB) {}
    }

    /// A hub killed with its subscribers connected cannot say they left: its counts expire in Redis, and the
    /// hubs still running drop them from the totals within the TTL (plus one refresh, a third of it).
    @Test func aHubThatDiesDropsOutOfTheTotalsWithinThePresenceTTL() throws {
        let redis = try RedisServer()
        let (survivor, totals) = try startHub(redis: redis, presenceTTL: .seconds(2))
        defer { survivor.shutdown() }
        let doomed = try HubProcess(arguments: [
            "--redis", "127.0.0.1:\(redis.port)", "--loops", "1", "--redis-presence-ttl", "2",
        ])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(doomed.port, "/health/ready"))?.status == 200 }
        let clients = try [1, 2].map { _ in try SSEClient(port: doomed.port, path: "/events/room") }
        for client in clients { try client.readHead() }
        try eventually("2 in the room") { totals.last("room") == 2 }
        let killedAt = TestClock.now()
        kill(doomed.pid, SIGKILL)
        try eventually("the dead hub's subscribers dropped", timeout: 10) { totals.last("room") == 0 }
        // Not before its counts could have expired: a refresh a moment earlier still had them.
        #expect(TestClock.now() - killedAt > 1)
        withExtendedLifetime(clients) {}
    }

    /// Any client of the same Redis may publish to the presence channel: what is not `name\ntotal` with a
    /// valid channel name and a count is counted as malformed and heard by no observer.
    @Test func malformedTotalsAreCountedAndIgnored() throws {
        let redis = try RedisServer()
        let (hub, totals) = try startHub(redis: redis)
        defer { hub.shutdown() }
        let client = try SSEClient(port: hub.hub.port, path: "/events/room")
        try client.readHead()
        try eventually("1 in the room") { totals.last("room") == 1 }
        let malformed = ["room", "room\n-1", "room\nmany", "bad name\n3", "\n4", "room\n99999999999999999999"]
        for payload in malformed { try redis.publishRaw(channel: "ssehub:presence", payload: Array(payload.utf8)) }
        try eventually("every malformed total counted") {
            let health = try? JSONParser.parse(TestHTTP.get(hub.hub.port, "/health").body)
            return health?["redis"]?["malformed"] == .number(Double(malformed.count))
        }
        #expect(totals.last("room") == 1)
    }

    /// `GET /channels/{name}` on a hub of a group reports the channel's subscribers on this hub and, once the
    /// hub hears the group's totals, across the group; `GET /metrics` reports the bridge's state.
    @Test func theChannelEndpointReportsTheGroupsSubscribers() throws {
        let redis = try RedisServer()
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.adminToken = "group-admin"
        let address = try RedisAddress(parsing: "127.0.0.1:\(redis.port)")
        let a = try Broadcaster.start(configuration, redis: address, redisTimings: RedisGroupTests.fastTimings)
        let b = try Broadcaster.start(configuration, redis: address, redisTimings: RedisGroupTests.fastTimings)
        defer { [a, b].forEach { $0.shutdown() } }
        try eventually("both hubs joined Redis") { [a, b].allSatisfy { $0.hub.relay?.isReady == true } }
        let admin = [("Authorization", "Bearer group-admin")]
        func channel(on hub: Hub) throws -> JSONValue {
            try JSONParser.parse(TestHTTP.get(hub.port, "/channels/stage", headers: admin).body)
        }
        let onA = try SSEClient(port: a.hub.port, path: "/events/stage")
        try onA.readHead()
        #expect(try channel(on: a.hub)["subscribers"] == .number(1))
        let onB = try [1, 2].map { _ in try SSEClient(port: b.hub.port, path: "/events/stage") }
        for client in onB { try client.readHead() }
        try eventually("hub A hears the group's 3") { (try? channel(on: a.hub))?["groupSubscribers"] == .number(3) }
        #expect(try channel(on: a.hub)["subscribers"] == .number(1))
        #expect(try TestHTTP.postForm(a.hub.port, "channel=stage&data=x").status == 200)
        try onA.waitForEvents(1)
        let page = try MetricsTests.scrape(a.hub, headers: admin)
        #expect(page.value("ssehub_redis_published_total") == 1)
        #expect(page.value("ssehub_redis_round_trip_seconds_count") == 1, "one publish went through Redis and back")
        #expect(page.value("ssehub_redis_up") == 1)
        #expect(page.value("ssehub_redis_subscribed_channels") == 1)
        withExtendedLifetime((onA, onB)) {}
    }
}
