import Broadcast
import Testing

/// Replay storage is bounded by bytes per channel and in total, not only by count; a resume from before what
/// the bounds pushed out gets `reset`, and one from within them is exact.
@Suite struct ReplayBoundsTests {
    private static let kib = String(repeating: "r", count: 4 * 1024)

    private func publish(_ hub: Hub, _ channel: String, _ index: Int) throws -> EventID {
        try hub.publish(channels: [channel], event: nil, data: Array("\(index)-\(Self.kib)".utf8)).id
    }

    /// What a client resuming after `id` on `channel` gets: the indexes replayed, and whether a reset came.
    private func resume(_ hub: Hub, _ channel: String, after id: EventID, expecting count: Int) throws -> [String] {
        let client = try SSEClient(
            port: hub.port, path: "/events/\(channel)", headers: [("Last-Event-ID", id.description)])
        try client.readHead()
        try client.waitForEvents(count)
        return client.events.map { $0.event == "reset" ? "reset" : String($0.data.prefix { $0 != "-" }) }
    }

    @Test func aChannelKeepsNoMoreBytesThanItsBound() throws {
        try withHub({ $0.replayBytesPerChannel = 10 * 1024 }) { hub in
            let ids = try (1...5).map { try publish(hub, "c", $0) }
            // About 4 KiB each: the ring holds the newest two.
            #expect(try resume(hub, "c", after: ids[2], expecting: 2) == ["4", "5"])
            // Event 3 is gone: no partial replay, a reset whose id is the hub's position.
            #expect(try resume(hub, "c", after: ids[1], expecting: 1) == ["reset"])
        }
    }

    @Test func anEventLargerThanTheChannelBoundIsNotKept() throws {
        try withHub({ $0.replayBytesPerChannel = 2 * 1024 }) { hub in
            let before = try hub.publish(channels: ["c"], event: nil, data: Array("small".utf8)).id
            _ = try publish(hub, "c", 1)
            #expect(try resume(hub, "c", after: before, expecting: 1) == ["reset"])
        }
    }

    @Test func theTotalBoundPushesOutTheHubsOldestEventsFirst() throws {
        try withHub({ $0.replayBytesTotal = 20 * 1024 }) { hub in
            var first: [String: EventID] = [:]
            for channel in ["a", "b", "c", "d"] {
                first[channel] = try publish(hub, channel, 1)
                _ = try publish(hub, channel, 2)
            }
            // Eight events of about 4 KiB against 20 KiB: the oldest (a's, then b's first) are gone.
            #expect(try resume(hub, "a", after: first["a"]!, expecting: 1) == ["reset"])
            #expect(try resume(hub, "d", after: first["d"]!, expecting: 1) == ["2"])
            #expect(healthNumber(hub, "channels") == 4)
        }
    }

    /// The attack of the issue: large unauthenticated publishes to a few channels. RSS stays near the total
    /// bound instead of growing with replay x body size x channels.
    @Test func largePublishesKeepMemoryNearTheTotalBound() throws {
        let hub = try HubProcess(
            arguments: ["--replay-total-bytes", "\(2 << 20)", "--loops", "1"], environment: HubProcess.measuringMemory)
        let publisher = try TestSocket(port: hub.port)
        let megabyte = Array("channel=x&data=".utf8) + [UInt8](repeating: UInt8(ascii: "m"), count: 1000 * 1024)
        let rssBefore = hub.rssKiB
        for index in 0..<48 {
            var body = megabyte
            body[8] = UInt8(ascii: "a") + UInt8(index % 4)
            let response = try publisher.exchange(
                "POST", "/broadcast", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body)
            #expect(response.status == 200)
        }
        let growth = hub.rssKiB - rssBefore
        #expect(growth < 24 * 1024, "RSS grew by \(growth) KiB after 48 MB of publishes, bound 2 MiB")
        _ = hub.stop()
    }
}
