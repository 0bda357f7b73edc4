import Glibc
import SSEHub
import Testing

/// Found by the chaos soak after the fixes of findings 1-4 (a 3-minute soak with a 2 s
/// freeze: 203,251 losses without a `reset`, `behindPosition` 1,296 and 1,010): a freeze of Redis longer than the
/// publish timeout (1 s) but shorter than the liveness timeout (3 s). The hub gives a publish up and delivers it
/// under a local epoch above its position, but neither connection fails, so nothing raises the group's epoch:
/// every event the group publishes next has an id below the hub's position and is dropped there
/// (`behindPosition`), with no `reset`, on every channel, until the next reconnection. The back-fill's
/// behind-position reset ran only after a re-subscription; the live path only counted. Now a given-up publish
/// makes the bridge raise the group's epoch again (unready until then), and an event dropped below the
/// position gives its channels' streams a `reset`.
@Suite(.serialized) struct ShortFreezeTests {
    @Test func eventsAfterAShortFreezeReachTheStreamsOfTheHubThatGaveUpAPublish() throws {
        let redis = try RedisServer()
        let hub = try HubProcess(arguments: ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        let client = try SSEClient(port: hub.port, path: "/events/short")
        try client.readHead()
        try eventually("the hub subscribed to the channel in Redis") { redis.hasOneSubscriber(of: "short") }
        let before = try FrozenPublishTests.answeredID(TestHTTP.postForm(hub.port, "channel=short&data=before"))
        try client.waitForEvents(1)
        redis.freeze()
        // Answered once Redis is certainly past the publish's deadline (about 1 s): under a local epoch.
        let during = try FrozenPublishTests.answeredID(TestHTTP.postForm(hub.port, "channel=short&data=during"))
        redis.resume()
        #expect(during.epoch > before.epoch, "answered \(during) after \(before)")
        try client.waitForEvents(2)
        // Both connections lived through it (well under the 3 s liveness timeout).
        #expect(!hub.output.contains("redis publish: lost") && !hub.output.contains("redis subscribe: lost"))
        let after = try FrozenPublishTests.answeredID(TestHTTP.postForm(hub.port, "channel=short&data=after"))
        // The stream must get the event, or a reset saying it lost it.
        try? client.waitForEvents(3, timeout: 5)
        let health = try JSONParser.parse(TestHTTP.get(hub.port, "/health").body)
        #expect(
            client.events.map(\.data).dropFirst(2).first == "after"
                || client.events.dropFirst(2).first?.event == "reset",
            "after=\(after) events=\(client.events) redis=\(String(describing: health["redis"]))")
    }
}
