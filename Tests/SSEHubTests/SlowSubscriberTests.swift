import Broadcast
import Glibc
import Testing

@Suite struct SlowSubscriberTests {
    /// A subscriber that stops reading is dropped at the high-water mark while a reading subscriber gets every
    /// event, and the hub's RSS stays bounded although far more is published than the stalled client takes.
    @Test func aStalledSubscriberIsDroppedAndMemoryStaysBounded() throws {
        let hub = try HubProcess(
            arguments: ["--high-water", "65536", "--replay", "16", "--loops", "2"],
            environment: HubProcess.measuringMemory)
        let stalled = try SSEClient(port: hub.port, path: "/events/big", receiveBuffer: 4096)
        try stalled.readHead()
        let reader = try SSEClient(port: hub.port, path: "/events/big")
        try reader.readHead()
        let publisher = try TestSocket(port: hub.port)
        let payload = String(repeating: "x", count: 16 * 1024)
        let rssBefore = hub.rssKiB

        // 2,000 events of 16 KiB: 32 MiB for every subscriber. The reader keeps up; the stalled client must be
        // cut off long before, and the hub must not hold its backlog.
        var dropped = false
        for index in 1...2000 {
            let response = try publisher.exchange(
                "POST", "/broadcast", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("channel=big&data=\(index)-\(payload)".utf8))
            #expect(response.status == 200)
            try reader.waitForEvents(index, timeout: 20)
            if index % 100 == 0 && !dropped {
                let health = try JSONParser.parse(try TestHTTP.get(hub.port, "/health").body)
                dropped = health["slowSubscribersDropped"] == .number(1)
            }
        }
        #expect(dropped)
        #expect(reader.events.count == 2000)
        #expect(reader.events.last?.data.hasPrefix("2000-") == true)
        // The stalled client sees its stream end after whatever its buffers held.
        #expect(stalled.socket.waitForClose(timeout: 10))
        let growth = hub.rssKiB - rssBefore
        #expect(growth < 16 * 1024, "RSS grew by \(growth) KiB while 32 MiB were published")
        _ = hub.stop()
    }

    /// One event larger than the high-water mark (allowed: the body limit is larger) reaches every reader
    /// that keeps up; it used to drop all of them before any write was tried.
    @Test func oneEventLargerThanTheHighWaterMarkReachesFastReaders() async throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.highWaterBytes = 64 * 1024
        let hub = try Hub.start(configuration)
        defer { hub.shutdown() }
        let readers = try (0..<5).map { _ in try SSEClient(port: hub.port, path: "/events/large") }
        for reader in readers { try reader.readHead() }
        let stream = try hub.subscribe(channels: ["large"])
        let watchdog = endAfterTenSeconds(stream)
        defer { watchdog.cancel() }
        var inProcess = stream.makeAsyncIterator()
        let payload = String(repeating: "z", count: 200 * 1024)
        for index in 1...3 {
            let answer = try TestHTTP.postForm(hub.port, "channel=large&data=\(index)\(payload)")
            #expect(answer.status == 200)
            #expect(answer.text.contains(#""subscribers":6"#))
            for reader in readers { try reader.waitForEvents(index) }
            #expect(await inProcess.next()?.data.count == payload.count + 1)
        }
        #expect(readers.allSatisfy { $0.events.map(\.data.first) == ["1", "2", "3"] })
        #expect(healthNumber(hub, "slowSubscribersDropped") == 0)
    }

    @Test func aSlowInProcessSubscriberIsEndedAtTheHighWaterMark() async throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.loops = 1
        configuration.highWaterBytes = 4096
        let broadcaster = try Broadcaster.start(configuration)
        defer { broadcaster.shutdown() }
        let stream = try broadcaster.subscribe(to: "slow")
        for index in 0..<100 {
            try broadcaster.broadcast(channel: "slow", data: "\(index)-" + String(repeating: "y", count: 100))
        }
        var received = 0
        for await _ in stream { received += 1 }
        #expect(received > 0 && received < 100, "the stream ended at the mark after \(received) events")
        #expect(healthNumber(broadcaster.hub, "slowSubscribersDropped") == 1)
    }
}
