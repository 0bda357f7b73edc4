import Glibc
import SSEHub
import Testing

/// Found by the chaos soak after the fixes of findings 1-4 (2,110 losses without a `reset`
/// in a 3-minute soak, all on resumes after a Redis kill): a resume whose id the ring no longer reaches is
/// fetched from the channel's Redis stream, and the stream is trusted when it holds fewer entries than its cap
/// (`RedisBridgeCore.history`: "trimmed to its cap whose oldest entry is newer than the id" is the only
/// doubt). A restarted Redis starts every stream empty, so a short stream proves nothing about the events
/// between the client's id and the restart: they were skipped silently, the client got only what came after.
/// Now a stream proves a resume only with an entry at or before the client's id in that id's epoch.
@Suite(.serialized) struct RestartedStreamTests {
    @Test func aResumeFromBeforeARedisRestartGetsTheMissedEventsOrAReset() throws {
        let redis = try RedisServer()
        // A ring of 2 per channel: a resume from 4 events back must ask Redis.
        let hub = try HubProcess(arguments: ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1", "--replay", "2"])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        var first: SSEClient? = try SSEClient(port: hub.port, path: "/events/restart")
        try first?.readHead()
        let subscribed = { redis.hasOneSubscriber(of: "restart") }
        try eventually("the hub subscribed to the channel in Redis") { subscribed() }
        #expect(try TestHTTP.postForm(hub.port, "channel=restart&data=1").status == 200)
        try first?.waitForEvents(1)
        let resumeFrom = try #require(first?.events.last?.id)
        // The hub keeps a listener on the channel (a second subscriber), so it hears 2-4 before Redis dies.
        let listener = try SSEClient(port: hub.port, path: "/events/restart")
        try listener.readHead()
        // Disconnects (the socket closes with its client).
        first = nil
        for index in 2...4 { #expect(try TestHTTP.postForm(hub.port, "channel=restart&data=\(index)").status == 200) }
        try listener.waitForEvents(3)
        redis.stop()
        try redis.start()
        try eventually("the hub joined the restarted Redis", timeout: 20) {
            (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200
        }
        try eventually("the hub subscribed again") { subscribed() }
        #expect(try TestHTTP.postForm(hub.port, "channel=restart&data=5").status == 200)
        try listener.waitForEvents(4)
        // The ring holds 4 and 5; 2 and 3 were only in the old Redis's stream.
        let resumed = try SSEClient(port: hub.port, path: "/events/restart", headers: [("Last-Event-ID", resumeFrom)])
        try resumed.readHead()
        try? resumed.waitForEvents(4, timeout: 3)
        let received = resumed.events.map { $0.event == "reset" ? "reset" : $0.data }
        #expect(
            received == ["2", "3", "4", "5"] || received.first == "reset", "resumed from \(resumeFrom): \(received)")
    }
}
