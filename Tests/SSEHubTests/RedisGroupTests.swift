import Broadcast
import Testing

/// Hubs sharing one real Redis (started by the test on a free port).
@Suite(.serialized) struct RedisGroupTests {
    static var fastTimings: RedisTimings {
        var timings = RedisTimings()
        timings.pingInterval = .milliseconds(100)
        timings.pingTimeout = .milliseconds(2000)
        timings.initialBackoff = .milliseconds(50)
        timings.maximumBackoff = .milliseconds(300)
        return timings
    }

    /// `count` hubs joined through `redis` under a fresh prefix, ready before `body` runs.
    func withGroup(
        _ count: Int, redis: RedisServer, configure: (inout HubConfiguration) -> Void = { _ in },
        _ body: ([Hub], String) throws -> Void
    ) throws {
        let prefix = "test\(UInt32.random(in: 0...UInt32.max)):"
        var hubs: [Hub] = []
        defer { hubs.forEach { $0.shutdown() } }
        for _ in 0..<count {
            var configuration = HubConfiguration()
            configuration.port = 0
            configuration.loops = 2
            configure(&configuration)
            let hub = try Hub.start(configuration)
            RedisBridge.attach(
                to: hub, address: try RedisAddress(parsing: "127.0.0.1:\(redis.port)"), prefix: prefix,
                timings: Self.fastTimings)
            hubs.append(hub)
        }
        try eventually("every hub connected to Redis") { hubs.allSatisfy { $0.relay?.isReady == true } }
        try body(hubs, prefix)
    }

    func waitForSubscribers(
        _ redis: RedisServer, _ prefix: String, channel: String, count: Int, timeout: Double = 10
    ) throws {
        do {
            try eventually("\(count) hubs subscribed to \(channel) in Redis", timeout: timeout) {
                (try? redis.command("PUBSUB NUMSUB \(prefix)channel:\(channel)"))?.contains(":\(count)\r\n") == true
            }
        } catch {
            // Which connections Redis holds says whether a hub kept an old subscriber or never resubscribed.
            let clients = (try? redis.command("CLIENT LIST")) ?? "(CLIENT LIST failed)"
            Issue.record("Redis's clients when \(count) subscribers were awaited:\n\(clients)")
            throw error
        }
    }

    /// Subscribes on `hub`, receives `events` broadcast to `channel`, and leaves: the id a browser would resume
    /// from elsewhere.
    private func lastIDBeforeLeaving(
        _ hub: Hub, channel: String, events: ClosedRange<Int>, broadcaster: Broadcaster, redis: RedisServer,
        prefix: String, hubsListening: Int
    ) throws -> String {
        let client = try SSEClient(port: hub.port, path: "/events/\(channel)")
        try client.readHead()
        try waitForSubscribers(redis, prefix, channel: channel, count: hubsListening)
        for index in events { try broadcaster.broadcast(channel: channel, data: "\(index)") }
        try client.waitForEvents(events.count)
        return client.lastEventID ?? ""
    }

    @Test func everySubscriberOnEveryHubGetsEveryEventOnceInOneOrder() throws {
        let redis = try RedisServer()
        try withGroup(3, redis: redis) { hubs, prefix in
            let clients = try hubs.flatMap { hub in
                try (0..<3).map { _ in try SSEClient(port: hub.port, path: "/events/room") }
            }
            for client in clients { try client.readHead() }
            try waitForSubscribers(redis, prefix, channel: "room", count: 3)
            // 60 events: from each hub in turn, over HTTP and in-process.
            let sockets = try hubs.map { try TestSocket(port: $0.port) }
            for index in 0..<60 {
                let hub = index % 3
                if index % 2 == 0 {
                    let response = try sockets[hub].exchange(
                        "POST", "/broadcast", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                        body: Array("channel=room&data=\(index)".utf8))
                    #expect(response.status == 200)
                } else {
                    try Broadcaster(attachingTo: hubs[hub]).broadcast(channel: "room", data: "\(index)")
                }
            }
            for client in clients { try client.waitForEvents(60) }
            let reference = clients[0].events
            #expect(Set(reference.map(\.data)).count == 60, "every event once")
            for client in clients {
                #expect(client.events == reference, "the same events, ids and order on every hub")
            }
            let ids = reference.compactMap { EventID($0.id ?? "") }
            #expect(ids == ids.sorted(), "ids rise in delivery order")
        }
    }

    @Test func hubsSubscribeInRedisOnlyToChannelsWithLocalSubscribers() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis) { hubs, prefix in
            var client: SSEClient? = try SSEClient(port: hubs[0].port, path: "/events?channel=a&channel=b")
            try client?.readHead()
            try eventually("a and b subscribed") {
                let channels = (try? redis.command("PUBSUB CHANNELS \(prefix)channel:*")) ?? ""
                return channels.contains("\(prefix)channel:a") && channels.contains("\(prefix)channel:b")
            }
            // Publishing to a channel nobody listens to subscribes no one.
            _ = try TestHTTP.postForm(hubs[1].port, "channel=c&data=x")
            #expect(!((try? redis.command("PUBSUB CHANNELS \(prefix)channel:*")) ?? "").contains("channel:c"))
            client = nil
            try eventually("unsubscribed when the last subscriber left") {
                !((try? redis.command("PUBSUB CHANNELS \(prefix)channel:*")) ?? "").contains("\(prefix)channel:")
            }
        }
    }

    @Test func aSubscriberMovingToAnotherHubResumesWithNoLossOrDuplicates() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis) { hubs, prefix in
            let stay = try SSEClient(port: hubs[1].port, path: "/events/feed")
            try stay.readHead()
            let broadcaster = Broadcaster(attachingTo: hubs[0])
            let last = try lastIDBeforeLeaving(
                hubs[0], channel: "feed", events: 1...5, broadcaster: broadcaster, redis: redis, prefix: prefix,
                hubsListening: 2)
            for index in 6...10 { try broadcaster.broadcast(channel: "feed", data: "\(index)") }
            try stay.waitForEvents(10)
            let moved = try SSEClient(port: hubs[1].port, path: "/events/feed", headers: [("Last-Event-ID", last)])
            try moved.readHead()
            for index in 11...12 { try broadcaster.broadcast(channel: "feed", data: "\(index)") }
            try moved.waitForEvents(7)
            #expect(moved.events.map(\.data) == (6...12).map(String.init))
            #expect(moved.events.map(\.id) == Array(stay.events.map(\.id)[5...]) + moved.events.suffix(2).map(\.id))
        }
    }

    /// The hub it moves to never heard the channel: the missed events come from the Redis stream, before
    /// live ones, exactly once.
    @Test func aResumeOnAHubThatNeverHeardTheChannelReplaysFromRedis() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis) { hubs, prefix in
            let broadcaster = Broadcaster(attachingTo: hubs[0])
            let last = try lastIDBeforeLeaving(
                hubs[0], channel: "quiet", events: 1...3, broadcaster: broadcaster, redis: redis, prefix: prefix,
                hubsListening: 1)
            for index in 4...8 { try broadcaster.broadcast(channel: "quiet", data: "\(index)") }
            let moved = try SSEClient(port: hubs[1].port, path: "/events/quiet", headers: [("Last-Event-ID", last)])
            try moved.readHead()
            try waitForSubscribers(redis, prefix, channel: "quiet", count: 1)
            try broadcaster.broadcast(channel: "quiet", data: "9")
            try moved.waitForEvents(6)
            #expect(moved.events.map(\.data) == (4...9).map(String.init))
            let ids = moved.events.compactMap { EventID($0.id ?? "") }
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        }
    }

    @Test func aResumeOlderThanTheStoredHistoryGetsAReset() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis, configure: { $0.replayEvents = 10 }) { hubs, _ in
            let broadcaster = Broadcaster(attachingTo: hubs[0])
            let old = try broadcaster.broadcast(channel: "busy", data: "0")
            for index in 1...300 { try broadcaster.broadcast(channel: "busy", data: "\(index)") }
            let client = try SSEClient(
                port: hubs[1].port, path: "/events/busy", headers: [("Last-Event-ID", old.description)])
            try client.readHead()
            try client.waitForEvents(1)
            #expect(client.events[0].event == "reset")
            #expect(client.events[0].data.contains("older than the stored history"))
        }
    }

    @Test func aRedisOutageDegradesToLocalDeliveryAndHealsByItself() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis) { hubs, prefix in
            let local = try SSEClient(port: hubs[0].port, path: "/events/live")
            let remote = try SSEClient(port: hubs[1].port, path: "/events/live")
            try local.readHead()
            try remote.readHead()
            try waitForSubscribers(redis, prefix, channel: "live", count: 2)
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=live&data=before").status == 200)
            try remote.waitForEvents(1)

            redis.stop()
            try eventually("both hubs not ready", timeout: 5) {
                hubs.allSatisfy { (try? TestHTTP.get($0.port, "/health/ready"))?.status == 503 }
            }
            // Local subscribers still get local broadcasts; the other hub does not.
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=live&data=during").status == 200)
            try local.waitForEvents(2)
            #expect(local.events.last?.data == "during")
            let health = try JSONParser.parse(try TestHTTP.get(hubs[0].port, "/health").body)
            #expect(health["status"]?.stringValue == "degraded")
            #expect(health["redis"]?["degradedPublishes"] == .number(1), "what the outage cost is counted")

            try redis.start()
            try eventually("both hubs ready again", timeout: 10) {
                hubs.allSatisfy { (try? TestHTTP.get($0.port, "/health/ready"))?.status == 200 }
            }
            try waitForSubscribers(redis, prefix, channel: "live", count: 2)
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=live&data=after").status == 200)
            // The restarted Redis lost its streams: neither hub can prove it missed nothing while it was
            // away, so each tells its streams once, then goes on.
            try remote.waitForEvents(3)
            #expect(remote.events.map(\.event) == ["message", "reset", "message"])
            #expect(remote.events.map(\.data).last == "after")
            try local.waitForEvents(4)
            #expect(local.events.map(\.data).prefix(2) == ["before", "during"] && local.events.last?.data == "after")
            #expect(local.events[2].event == "reset")
        }
    }

    /// A Redis that stops answering without closing its connections is found by the liveness checks.
    @Test func aSilentRedisIsDetectedWithinSecondsAndRecovered() throws {
        let redis = try RedisServer()
        defer { redis.resume() }
        try withGroup(1, redis: redis) { hubs, _ in
            redis.freeze()
            let frozenAt = TestClock.now()
            try eventually("the silence to be noticed", timeout: 8) {
                (try? TestHTTP.get(hubs[0].port, "/health/ready"))?.status == 503
            }
            #expect(TestClock.now() - frozenAt < 6, "a silent Redis is detected within a few seconds")
            redis.resume()
            try eventually("ready again", timeout: 10) {
                (try? TestHTTP.get(hubs[0].port, "/health/ready"))?.status == 200
            }
        }
    }

    @Test func inProcessSubscribersHearTheWholeGroup() async throws {
        let redis = try RedisServer()
        let prefix = "inproc\(UInt32.random(in: 0...UInt32.max)):"
        let address = try RedisAddress(parsing: "127.0.0.1:\(redis.port)")
        var configuration = HubConfiguration()
        configuration.port = 0
        let listener = try Hub.start(configuration)
        let sender = try Hub.start(configuration)
        defer {
            listener.shutdown()
            sender.shutdown()
        }
        RedisBridge.attach(to: listener, address: address, prefix: prefix, timings: Self.fastTimings)
        RedisBridge.attach(to: sender, address: address, prefix: prefix, timings: Self.fastTimings)
        try eventually("connected") { listener.relay?.isReady == true && sender.relay?.isReady == true }
        let stream = try Broadcaster(attachingTo: listener).subscribe(to: "inproc")
        try eventually("subscribed in Redis") {
            (try? redis.command("PUBSUB NUMSUB \(prefix)channel:inproc"))?.contains(":1\r\n") == true
        }
        let id = try await Broadcaster(attachingTo: sender).broadcastAsync(channel: "inproc", data: "hello")
        let watchdog = endAfterTenSeconds(stream)
        defer { watchdog.cancel() }
        var received: HubEvent?
        for await event in stream {
            received = event
            break
        }
        #expect(received?.id == id)
        #expect(received?.data == "hello")
    }

    @Test func joinsTheGroupThroughAUnixSocket() throws {
        let path = TemplateLibraryTests.directory([:]) + "/redis.sock"
        let redis = try RedisServer(unixSocket: path)
        var configuration = HubConfiguration()
        configuration.port = 0
        let hub = try Hub.start(configuration)
        defer { hub.shutdown() }
        RedisBridge.attach(to: hub, address: try RedisAddress(parsing: "unix://" + path), timings: Self.fastTimings)
        try eventually("connected over the socket") { hub.relay?.isReady == true }
        let client = try SSEClient(port: hub.port, path: "/events/sock")
        try client.readHead()
        try eventually("subscribed") {
            (try? redis.command("PUBSUB NUMSUB ssehub:channel:sock"))?.contains(":1\r\n") == true
        }
        #expect(try TestHTTP.postForm(hub.port, "channel=sock&data=via-socket").status == 200)
        try client.waitForEvents(1)
        #expect(client.events[0].data == "via-socket")
    }

    @Test func aFlushedScriptCacheIsReloadedWithoutLosingABroadcast() throws {
        let redis = try RedisServer()
        try withGroup(1, redis: redis) { hubs, prefix in
            let client = try SSEClient(port: hubs[0].port, path: "/events/cache")
            try client.readHead()
            try waitForSubscribers(redis, prefix, channel: "cache", count: 1)
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=cache&data=one").status == 200)
            _ = try redis.command("SCRIPT FLUSH")
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=cache&data=two").status == 200)
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=cache&data=three").status == 200)
            try client.waitForEvents(3)
            #expect(client.events.map(\.data) == ["one", "two", "three"])
        }
    }

    @Test func malformedMessagesAreCountedAndSkipped() throws {
        let redis = try RedisServer()
        try withGroup(1, redis: redis) { hubs, prefix in
            let client = try SSEClient(port: hubs[0].port, path: "/events/m")
            try client.readHead()
            try waitForSubscribers(redis, prefix, channel: "m", count: 1)
            _ = try redis.command("PUBLISH \(prefix)channel:m garbage")
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=m&data=fine").status == 200)
            try client.waitForEvents(1)
            #expect(client.events.map(\.data) == ["fine"])
            let health = try JSONParser.parse(try TestHTTP.get(hubs[0].port, "/health").body)
            #expect(health["redis"]?["malformed"] == .number(1))
        }
    }
}
