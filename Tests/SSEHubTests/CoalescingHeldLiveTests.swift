import Synchronization
import Testing

@testable import SSEHub

/// Coalescing by key while a resuming stream waits for its relay history: the live events held back meanwhile
/// are unsent events too, so a coalescing channel keeps only the newest of each key there as well. Before,
/// every version was held, and a stream resuming during a burst of one counter passed the high-water mark.
@Suite struct CoalescingHeldLiveTests {
    @Test func aStreamWaitingForItsHistoryHoldsOnlyTheNewestVersionOfEachKey() throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.highWaterBytes = 64 * 1024
        configuration.coalescePrefixes = ["live:"]
        let hub = try Hub.start(configuration)
        defer { hub.shutdown() }
        // Each history request waits until the test answers it.
        let waiting = Mutex<[TestRelay.HistoryAnswer]>([])
        hub.install(
            TestRelay { _, completion in
                waiting.withLock { $0.append(completion) }
                return true
            })
        // The group's epoch, above this hub's boot epoch: the resume id is one this hub never heard, so the
        // stream asks the relay for what followed it and holds live events until the answer.
        let epoch = hub.position.epoch + 10_000
        let resumed = EventID(epoch: epoch, sequence: 1)
        let stream = try SSEClient(
            port: hub.port, path: "/events/live:total", headers: [("Last-Event-ID", resumed.description)])
        try stream.readHead()
        try eventually("the stream asked for its history") { waiting.withLock { $0.count } == 1 }
        // 200 versions of 16 KiB: 3.2 MiB, fifty times the mark, all while the history is awaited.
        let payload = String(repeating: "x", count: 16 * 1024)
        for version in 1...200 {
            let id = EventID(epoch: epoch, sequence: UInt64(version + 1))
            #expect(
                hub.deliverRelayed(
                    channels: ["live:total"], id: id, event: nil, data: Array("\(version)-\(payload)".utf8),
                    key: "total"))
        }
        for answer in waiting.withLock({ $0 }) { answer([]) }
        try stream.waitForEvents(1)
        #expect(stream.events.map { $0.data.prefix { $0 != "-" } } == ["200"])
        let health = try JSONParser.parse(try TestHTTP.get(hub.port, "/health").body)
        #expect(health["slowSubscribersDropped"] == .number(0))
        let metrics = String(decoding: try TestHTTP.get(hub.port, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("ssehub_coalesced_events_total 199\n"), "\(metrics)")
    }
}
