import Broadcast
import SSEHub
import Testing

/// Issue 13, coalescing by key: on a channel named by `--coalesce-prefix`, a subscriber that lags keeps only the
/// newest unsent event of each key; elsewhere, and for events without a key, the high-water mark drops it.
@Suite struct CoalescingTests {
    static let payload = String(repeating: "x", count: 16 * 1024)
    /// 2,000 events of 16 KiB: 32 MiB, far past what socket buffers and the 64 KiB mark hold.
    static let versions = 2000

    func withCoalescingHub(_ body: (Hub) throws -> Void) throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.loops = 2
        configuration.highWaterBytes = 64 * 1024
        configuration.replayEvents = 16
        configuration.coalescePrefixes = ["live:"]
        let hub = try Hub.start(configuration)
        defer { hub.shutdown() }
        try body(hub)
    }

    /// A stream of `channel` that stops reading (a 4 KiB receive buffer it never reads) and one that keeps up.
    func stalledAndReader(on port: Int, channel: String) throws -> (stalled: SSEClient, reader: SSEClient) {
        let stalled = try SSEClient(port: port, path: "/events/\(channel)", receiveBuffer: 4096)
        try stalled.readHead()
        let reader = try SSEClient(port: port, path: "/events/\(channel)")
        try reader.readHead()
        return (stalled, reader)
    }

    func dropped(_ hub: Hub) throws -> JSONValue? {
        try JSONParser.parse(try TestHTTP.get(hub.port, "/health").body)["slowSubscribersDropped"]
    }

    /// Publishes every version to `channels` with `key`, while `reader` keeps up (so each one has been handed to
    /// the stalled streams' loops when it arrives).
    func publishVersions(_ hub: Hub, channels: [String], key: String?, reader: SSEClient) throws {
        for version in 1...Self.versions {
            _ = try hub.submit(channels: channels, event: nil, data: Array("\(version)-\(Self.payload)".utf8), key: key)
            try reader.waitForEvents(version, timeout: 20)
        }
    }

    @Test func aStalledSubscriberOfACoalescingChannelGetsTheNewestVersionWhenItReadsAgain() throws {
        try withCoalescingHub { hub in
            let coalescing = try SSEClient(port: hub.port, path: "/events/live:cart", receiveBuffer: 4096)
            try coalescing.readHead()
            let queueing = try SSEClient(port: hub.port, path: "/events/plain:cart", receiveBuffer: 4096)
            try queueing.readHead()
            let reader = try SSEClient(port: hub.port, path: "/events?channel=live:cart&channel=plain:cart")
            try reader.readHead()
            // Each version to both channels, one publish each (an event of both would coalesce on both).
            var liveIDs: [EventID] = []
            for version in 1...Self.versions {
                for channel in ["live:cart", "plain:cart"] {
                    let data = Array("\(version)-\(Self.payload)".utf8)
                    guard
                        case .published(let receipt) = try hub.submit(
                            channels: [channel], event: nil, data: data, key: "cart")
                    else { return #expect(Bool(false), "a hub without a relay publishes at once") }
                    if channel == "live:cart" { liveIDs.append(receipt.id) }
                }
                try reader.waitForEvents(2 * version, timeout: 20)
            }
            // The reader got all of them; of the two that stopped reading, only the one not coalescing was dropped.
            #expect(reader.events.count == 2 * Self.versions)
            #expect(try dropped(hub) == .number(1))
            #expect(queueing.socket.waitForClose(timeout: 10))
            // It reads again: what its buffers held, then the newest version, not the 2,000 in between.
            try coalescing.waitForEvents("the newest version") { $0.last?.data.hasPrefix("\(Self.versions)-") == true }
            let received = coalescing.events.compactMap { Int($0.data.prefix { $0 != "-" }) }
            #expect(received.count < Self.versions / 4, "\(received.count) versions queued for a stalled reader")
            #expect(zip(received, received.dropFirst()).allSatisfy { $0 < $1 }, "versions out of order")
            let ids = coalescing.events.compactMap { $0.id.flatMap(EventID.init) }
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "ids on the stream must rise")
            let metrics = String(decoding: try TestHTTP.get(hub.port, "/metrics").body, as: UTF8.self)
            let coalesced = metrics.split(separator: "\n").first { $0.hasPrefix("ssehub_coalesced_events_total ") }
            let count = coalesced.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
            #expect(count >= Self.versions - received.count - 1, "\(coalesced ?? "no coalesced count")")
            // The replay ring kept every version: a resume from the first one it holds replays the rest.
            let resumed = try SSEClient(
                port: hub.port, path: "/events/live:cart", headers: [("Last-Event-ID", liveIDs[1983].description)])
            try resumed.readHead()
            try resumed.waitForEvents(16)
            #expect(resumed.events.map { $0.data.prefix(4) } == (1985...2000).map { Substring("\($0)") })
        }
    }

    @Test func eachKeyKeepsItsNewestVersionInPublishOrder() throws {
        try withCoalescingHub { hub in
            let (stalled, reader) = try stalledAndReader(on: hub.port, channel: "live:counters")
            for version in 1...Self.versions {
                let key = version % 2 == 0 ? "even" : "odd"
                _ = try hub.submit(
                    channels: ["live:counters"], event: key, data: Array("\(version)-\(Self.payload)".utf8), key: key)
                try reader.waitForEvents(version, timeout: 20)
            }
            #expect(try dropped(hub) == .number(0))
            try stalled.waitForEvents("both newest versions") { events in
                events.contains { $0.data.hasPrefix("\(Self.versions)-") }
                    && events.contains { $0.data.hasPrefix("\(Self.versions - 1)-") }
            }
            // The last two are the newest of each key, in the order they were published.
            #expect(stalled.events.suffix(2).map(\.event) == ["odd", "even"])
        }
    }

    @Test func eventsWithoutAKeyStillDropAStalledSubscriberOfACoalescingChannel() throws {
        try withCoalescingHub { hub in
            let (stalled, reader) = try stalledAndReader(on: hub.port, channel: "live:feed")
            try publishVersions(hub, channels: ["live:feed"], key: nil, reader: reader)
            #expect(try dropped(hub) == .number(1))
            #expect(stalled.socket.waitForClose(timeout: 10))
        }
    }

    /// The key travels through Redis with the event: the other hub of the group coalesces alike.
    @Test func aHubOfTheGroupCoalescesWhatAnotherPublished() throws {
        let redis = try RedisServer()
        try RedisGroupTests().withGroup(
            2, redis: redis,
            configure: {
                $0.highWaterBytes = 64 * 1024
                $0.coalescePrefixes = ["live:"]
            }
        ) { hubs, prefix in
            let (stalled, reader) = try stalledAndReader(on: hubs[1].port, channel: "live:cart")
            try RedisGroupTests().waitForSubscribers(redis, prefix, channel: "live:cart", count: 1)
            let sender = Broadcaster(attachingTo: hubs[0])
            for version in 1...Self.versions {
                try sender.broadcast(channel: "live:cart", data: "\(version)-\(Self.payload)", key: "cart")
                try reader.waitForEvents(version, timeout: 20)
            }
            #expect(
                try JSONParser.parse(try TestHTTP.get(hubs[1].port, "/health").body)["slowSubscribersDropped"]
                    == .number(0))
            try stalled.waitForEvents("the newest version") { $0.last?.data.hasPrefix("\(Self.versions)-") == true }
            #expect(stalled.events.count < Self.versions / 4)
        }
    }

    /// A key is 1 to `--max-channel-name` bytes without CR, LF or NUL; else the publish is refused with a 400.
    @Test func aKeyIsCheckedAtItsEdges() throws {
        try withCoalescingHub { hub in
            let longest = String(repeating: "k", count: 128)
            #expect(try TestHTTP.postForm(hub.port, "channel=live:a&data=x&key=\(longest)").status == 200)
            let over = try TestHTTP.postForm(hub.port, "channel=live:a&data=x&key=\(longest)k")
            #expect(over.status == 400)
            #expect(over.text.contains("key is 129 bytes; the limit is 128"), "\(over.text)")
            let broken = try TestHTTP.postForm(hub.port, "channel=live:a&data=x&key=a%0Ab")
            #expect(broken.status == 400)
            #expect(broken.text.contains("key must not contain CR, LF or NUL"), "\(broken.text)")
            let notText = try TestHTTP.postJSON(hub.port, #"{"channel":"live:a","data":"x","key":7}"#)
            #expect(notText.status == 400)
            #expect(notText.text.contains(#"\"key\" must be a string"#), "\(notText.text)")
            #expect(try TestHTTP.postJSON(hub.port, #"{"channel":"live:a","data":"x","key":"cart"}"#).status == 200)
            #expect(throws: HubError.self) { try hub.submit(channels: ["live:a"], event: nil, data: [], key: "a\r") }
        }
    }
}
