import Broadcast
import SSEHub
import Synchronization
import Testing

/// Issue 13 target 1: the broadcasts that reach the bridge in one turn of its loop go to Redis as one call of
/// the publish script (up to `RedisTimings.publishBatchLimit`), with the ids, order and delivery of one call
/// each.
@Suite struct PublishBatchTests {
    /// A hub of a group of one, with the batch limit `limit`, and a stream on channel `batch` that Redis knows of.
    func withBatchingHub(
        limit: Int, bytes: Int = 1 << 20, _ body: (Hub, RedisServer, SSEClient, String) throws -> Void
    ) throws {
        let redis = try RedisServer()
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.loops = 2
        let hub = try Hub.start(configuration)
        defer { hub.shutdown() }
        var timings = RedisGroupTests.fastTimings
        timings.publishBatchLimit = limit
        timings.publishBatchBytes = bytes
        // Presence writes go by the SHA1 too: one for the stream below, then none for the test's length.
        timings.presenceTTL = .seconds(600)
        let prefix = "batch\(UInt32.random(in: 0...UInt32.max)):"
        RedisBridge.attach(
            to: hub, address: try RedisAddress(parsing: "127.0.0.1:\(redis.port)"), prefix: prefix, timings: timings)
        try eventually("the hub connected to Redis") { hub.relay?.isReady == true }
        let stream = try SSEClient(port: hub.port, path: "/events/batch")
        try stream.readHead()
        try RedisGroupTests().waitForSubscribers(redis, prefix, channel: "batch", count: 1)
        try eventually("the stream's presence count written") {
            (try? redis.command("HLEN \(prefix)presence:batch"))?.hasPrefix(":1\r\n") == true
        }
        try body(hub, redis, stream, prefix)
    }

    /// Submits `count` broadcasts from loop 0's own thread, so they reach the bridge in one turn, and waits for
    /// their ids (in submission order).
    func submitInOneTurn(
        _ hub: Hub, count: Int, channel: @escaping @Sendable (Int) -> String = { _ in "batch" },
        data: @escaping @Sendable (Int) -> String = { "\($0)" }
    ) throws -> [EventID] {
        let ids = Mutex<[Int: EventID]>([:])
        hub.run(onLoop: 0) { _ in
            for index in 0..<count {
                guard
                    case .relayed(let pending)? = try? hub.submit(
                        channels: [channel(index)], event: nil, data: Array(data(index).utf8))
                else { continue }
                pending.whenDone { result in
                    if case .success(let receipt) = result { ids.withLock { $0[index] = receipt.id } }
                }
            }
        }
        try eventually("Redis answered all \(count) broadcasts") { ids.withLock { $0.count } == count }
        return ids.withLock { ids in (0..<count).map { ids[$0]! } }
    }

    /// Calls of the publish script so far (the bridge sends it by SHA1 once Redis has it cached, as it has once
    /// the bridge is ready).
    func scriptCalls(_ redis: RedisServer) throws -> Int { try Self.calls(of: "evalsha", in: redis) }

    /// Calls of `command` Redis has run so far (`INFO commandstats`).
    static func calls(of command: String, in redis: RedisServer) throws -> Int {
        let stats = try redis.command("INFO commandstats")
        guard let line = stats.split(separator: "\r\n").first(where: { $0.hasPrefix("cmdstat_\(command):") }),
            let calls = line.split(separator: "calls=").dropFirst().first?.split(separator: ",").first.flatMap({
                Int($0)
            })
        else { return 0 }
        return calls
    }

    @Test func theBroadcastsOfOneTurnGoToRedisAsOneCallInTheirOrder() throws {
        try withBatchingHub(limit: 256) { hub, redis, stream, _ in
            let before = try scriptCalls(redis)
            let ids = try submitInOneTurn(hub, count: 5)
            #expect(try scriptCalls(redis) - before == 1)
            // One after another in the group's sequence, in the order they were submitted.
            #expect(Set(ids.map(\.epoch)).count == 1)
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.sequence + 1 == $1.sequence }, "\(ids)")
            try stream.waitForEvents(5)
            #expect(stream.events.map(\.data) == ["0", "1", "2", "3", "4"])
            #expect(stream.events.map(\.id) == ids.map(\.description))
        }
    }

    @Test func aTurnPastTheBatchLimitGoesInSeveralCallsInOrder() throws {
        try withBatchingHub(limit: 2) { hub, redis, stream, _ in
            let before = try scriptCalls(redis)
            let ids = try submitInOneTurn(hub, count: 5)
            // 2 + 2 + 1.
            #expect(try scriptCalls(redis) - before == 3)
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "\(ids)")
            try stream.waitForEvents(5)
            #expect(stream.events.map(\.data) == ["0", "1", "2", "3", "4"])
        }
    }

    @Test func aLimitOfOneSendsEachBroadcastAlone() throws {
        try withBatchingHub(limit: 1) { hub, redis, stream, _ in
            let before = try scriptCalls(redis)
            _ = try submitInOneTurn(hub, count: 3)
            #expect(try scriptCalls(redis) - before == 3)
            try stream.waitForEvents(3)
            #expect(stream.events.map(\.data) == ["0", "1", "2"])
        }
    }

    /// Past `publishBatchBytes` of data the call goes out and the next one starts.
    @Test func aTurnPastTheByteLimitGoesInSeveralCalls() throws {
        try withBatchingHub(limit: 256, bytes: 1000) { hub, redis, stream, _ in
            let before = try scriptCalls(redis)
            let payload = String(repeating: "x", count: 600)
            _ = try submitInOneTurn(hub, count: 3, data: { "\($0)\(payload)" })
            // 600 + 600 is past 1,000: each goes alone.
            #expect(try scriptCalls(redis) - before == 3)
            try stream.waitForEvents(3)
            #expect(stream.events.map { $0.data.prefix(1) } == ["0", "1", "2"])
        }
    }

    /// Redis keeps what a script wrote before a command failed: one broadcast that fails in Redis (its stream key
    /// is another type) fails alone; the others of its call keep their group ids and reach the stream once.
    @Test func aBroadcastThatFailsInRedisFailsAloneInItsCall() throws {
        try withBatchingHub(limit: 256) { hub, redis, stream, prefix in
            _ = try redis.command("SET \(prefix)stream:broken not-a-stream")
            let before = try scriptCalls(redis)
            let ids = try submitInOneTurn(hub, count: 3, channel: { $0 == 1 ? "broken" : "batch" })
            #expect(try scriptCalls(redis) - before == 1)
            // The failed one was delivered by this hub alone, under an id of its own; the others under the group's.
            let epoch = try redis.command("GET \(prefix)epoch").split(separator: "\r\n")[1]
            #expect(ids[0].epoch.description == epoch && ids[2].epoch.description == epoch, "\(ids) under \(epoch)")
            #expect(ids[1].epoch.description != epoch, "\(ids[1])")
            try stream.waitForEvents(2)
            let marker = try TestHTTP.postForm(hub.port, "channel=batch&data=marker")
            #expect(marker.status == 200)
            try stream.waitForEvents(3)
            #expect(stream.events.map(\.data) == ["0", "2", "marker"], "a broadcast of the call arrived twice")
            let health = try JSONParser.parse(try TestHTTP.get(hub.port, "/health").body)
            #expect(health["redis"]?["failedPublishes"] == .number(1))
        }
    }
}
