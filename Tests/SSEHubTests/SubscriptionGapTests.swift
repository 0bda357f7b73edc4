import Glibc
import SSEHub
import Testing

/// Found by the chaos soak (Benchmarks/soak, finding 4): Redis publishes only to connections subscribed at
/// that moment, so what the group published while one hub's subscribed connection was down never reached
/// that hub, and its streams missed it without a `reset`. The gap is made exact here: hub A is frozen, its
/// subscribed connection killed in Redis, hub B publishes, A thaws and re-subscribes.
@Suite(.serialized) struct SubscriptionGapTests {
    /// What a test holds on to: the processes end with it.
    struct Group {
        let client: SSEClient
        let a: HubProcess
        let b: HubProcess
        let redis: RedisServer
    }

    /// Hubs A and B on one Redis, a subscriber of `channel` on A that has had event 1, then events 2...`gap + 1`
    /// published on B while A is not subscribed, and one more once A is back.
    private func subscriberAcrossAGap(gap: Int, hubArguments: [String] = []) throws -> Group {
        let redis = try RedisServer()
        let arguments = ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"] + hubArguments
        let a = try HubProcess(arguments: arguments)
        let b = try HubProcess(arguments: arguments)
        for hub in [a, b] {
            try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        }
        let client = try SSEClient(port: a.port, path: "/events/gap")
        try client.readHead()
        let subscribed = { redis.hasOneSubscriber(of: "gap") }
        try eventually("hub A subscribed to the channel in Redis") { subscribed() }
        #expect(try TestHTTP.postForm(b.port, "channel=gap&data=1").status == 200)
        try client.waitForEvents(1)
        kill(a.pid, SIGSTOP)
        try redis.killSubscribedConnection()
        try eventually("nobody subscribed to the channel") { !subscribed() }
        for index in 2...(gap + 1) {
            #expect(try TestHTTP.postForm(b.port, "channel=gap&data=\(index)").status == 200)
        }
        kill(a.pid, SIGCONT)
        try eventually("hub A subscribed again") { subscribed() }
        #expect(try TestHTTP.postForm(b.port, "channel=gap&data=\(gap + 2)").status == 200)
        return Group(client: client, a: a, b: b, redis: redis)
    }

    @Test func eventsPublishedWhileAHubWasNotSubscribedReachItsStreamsInOrder() throws {
        let group = try subscriberAcrossAGap(gap: 3)
        let (client, a) = (group.client, group.a)
        try client.waitForEvents(5)
        #expect(client.events.map(\.data) == ["1", "2", "3", "4", "5"])
        #expect(client.events.allSatisfy { $0.event == "message" })
        let health = try JSONParser.parse(TestHTTP.get(a.port, "/health").body)
        // 2-4 at least; 5 too when its publish ran before the stream was read (then its live copy was skipped).
        let backfilled = health["redis"]?["backfilled"]
        #expect(backfilled == .number(3) || backfilled == .number(4), "\(String(describing: backfilled))")
        #expect(health["redis"]?["gapResets"] == .number(0))
    }

    /// More missed than the hub keeps per channel: the stream cannot prove it holds them all, so the live
    /// stream is told (one `reset` naming the channel) and then goes on.
    @Test func aGapLongerThanTheHistoryGivesLiveStreamsAReset() throws {
        let group = try subscriberAcrossAGap(gap: 3, hubArguments: ["--replay", "2"])
        let (client, a) = (group.client, group.a)
        try client.waitForEvents(3)
        #expect(client.events.map(\.event) == ["message", "reset", "message"])
        #expect(client.events.map(\.data).last == "5")
        let reset = try JSONParser.parse(Array(client.events[1].data.utf8))
        #expect(reset["channels"] == .array([.string("gap")]))
        let health = try JSONParser.parse(TestHTTP.get(a.port, "/health").body)
        #expect(health["redis"]?["gapResets"] == .number(1))
    }
}
