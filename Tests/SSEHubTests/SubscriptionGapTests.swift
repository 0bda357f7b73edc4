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

    /// Found by the soak after findings 5-7: Redis restarted (its data gone) while hub A was away, and hub B
    /// published before A re-subscribed. A cannot prove what it missed before the restart, so its streams get a
    /// `reset`; what the new Redis's stream does hold must still follow it (it was dropped with the reset).
    @Test func afterARestartLostRedisDataTheEventsItsNewStreamHoldsFollowTheReset() throws {
        let redis = try RedisServer()
        let arguments = ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"]
        let (a, b) = (try HubProcess(arguments: arguments), try HubProcess(arguments: arguments))
        for hub in [a, b] {
            try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        }
        let client = try SSEClient(port: a.port, path: "/events/restarted")
        try client.readHead()
        try eventually("hub A subscribed") { redis.hasOneSubscriber(of: "restarted") }
        #expect(try TestHTTP.postForm(b.port, "channel=restarted&data=1").status == 200)
        try client.waitForEvents(1)
        kill(a.pid, SIGSTOP)
        redis.stop()
        try redis.start()
        try eventually("hub B back in the group", timeout: 20) {
            (try? TestHTTP.get(b.port, "/health/ready"))?.status == 200
        }
        #expect(try TestHTTP.postForm(b.port, "channel=restarted&data=2").status == 200)
        kill(a.pid, SIGCONT)
        try eventually("hub A subscribed again", timeout: 20) { redis.hasOneSubscriber(of: "restarted") }
        #expect(try TestHTTP.postForm(b.port, "channel=restarted&data=3").status == 200)
        try? client.waitForEvents(4)
        // Hub A's bridge counters (back-filled, gap resets, behind the position) tell which path a failure took.
        let health = (try? TestHTTP.get(a.port, "/health")).map { String(decoding: $0.body, as: UTF8.self) } ?? "-"
        #expect(client.events.count == 4, "\(client.events) A: \(a.output) \(health) B: \(b.output)")
        #expect(client.events.map { $0.event == "reset" ? "reset" : $0.data } == ["1", "reset", "2", "3"])
    }

    /// Found by the ASan run of RedisOutageTests: after a restart that lost Redis's data, the hub's reset was
    /// right, but its point of sync stayed at the last id heard before the restart, an epoch the new Redis never
    /// knew. Every later re-subscribe (a missed ping on a busy machine) could not prove that gap either, and
    /// sent the same `reset` again, though nothing had been missed since the first.
    @Test func afterTheResetOfALostRestartALaterResubscribeResetsNothing() throws {
        let redis = try RedisServer()
        let arguments = ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"]
        let (a, b) = (try HubProcess(arguments: arguments), try HubProcess(arguments: arguments))
        func ready(_ hub: HubProcess) -> Bool { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        for hub in [a, b] { try eventually("the hub joined Redis") { ready(hub) } }
        let client = try SSEClient(port: a.port, path: "/events/again")
        try client.readHead()
        try eventually("hub A subscribed") { redis.hasOneSubscriber(of: "again") }
        #expect(try TestHTTP.postForm(b.port, "channel=again&data=1").status == 200)
        try client.waitForEvents(1)
        redis.stop()
        try redis.start()
        try eventually("both hubs back in the group", timeout: 20) { ready(a) && ready(b) }
        try client.waitForEvents(2)
        #expect(client.events.map(\.event) == ["message", "reset"], "the restart lost what A cannot prove")

        // Both hubs' subscribed connections drop (so B cannot be left publishing alone while A is away), and
        // both come back: A's re-subscription must prove its gap from the new Redis, not reset again.
        try redis.killEverySubscribedConnection()
        try eventually("both hubs subscribed again and ready", timeout: 20) {
            redis.subscribedConnections == 2 && redis.hasOneSubscriber(of: "again") && ready(a) && ready(b)
        }
        #expect(try TestHTTP.postForm(b.port, "channel=again&data=2").status == 200)
        try client.waitForEvents(3)
        #expect(client.events.map { $0.event == "reset" ? "reset" : $0.data } == ["1", "reset", "2"], "\(a.output)")
    }
}
