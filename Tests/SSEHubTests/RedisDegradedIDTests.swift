import Broadcast
import Testing

/// Ids a hub issues on its own while Redis is unreachable sit between the group's ids before and after the
/// outage, so every stream's ids keep rising and a resume from one of them is exact where it can be placed (the hub that issued it) and a reset elsewhere.
extension RedisGroupTests {
    @Test func idsKeepRisingThroughAFrozenRedisAndResumesFromThemAreExact() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis) { hubs, prefix in
            let (a, b) = (hubs[0], hubs[1])
            let onA = try SSEClient(port: a.port, path: "/events/c")
            let onB = try SSEClient(port: b.port, path: "/events/c")
            try onA.readHead()
            try onB.readHead()
            try waitForSubscribers(redis, prefix, channel: "c", count: 2, timeout: 30)
            func publish(_ hub: Hub, _ data: String) throws -> EventID {
                let response = try TestHTTP.postForm(hub.port, "channel=c&data=\(data)")
                #expect(response.status == 200)
                let text = try JSONParser.parse(response.body)["id"]?.stringValue ?? ""
                return try #require(EventID(text), "the answer names an id: \(text)")
            }
            let before = try publish(a, "before")
            redis.freeze()
            try eventually("hub A to notice the frozen Redis") { a.relay?.isReady == false }
            let during = try publish(a, "during")
            redis.resume()
            // A loaded machine (the whole suite, sanitizers) can take a while to redial and resubscribe.
            try eventually("both hubs back in the group", timeout: 30) { hubs.allSatisfy { $0.relay?.isReady == true } }
            try waitForSubscribers(redis, prefix, channel: "c", count: 2, timeout: 30)
            let afterB = try publish(b, "after-b")
            let afterA = try publish(a, "after-a")
            #expect(before < during && during < afterB && afterB < afterA, "\([before, during, afterB, afterA])")

            try onA.waitForEvents(4)
            #expect(onA.events.map(\.data) == ["before", "during", "after-b", "after-a"])
            let ids = onA.events.compactMap { $0.id.flatMap(EventID.init) }
            #expect(ids == ids.sorted() && Set(ids).count == 4, "ids rise on hub A's stream: \(ids)")
            try onB.waitForEvents(3)
            #expect(onB.events.map(\.data) == ["before", "after-b", "after-a"])

            // A browser that had `during` resumes after it on hub A, whose ring holds it, with exactly what
            // followed. Hub B never had it, and Redis cannot place an id of hub A's own among the group's (events
            // the group published while A was cut off may sort below it): B says so with a reset.
            let onRing = try SSEClient(
                port: a.port, path: "/events/c", headers: [("Last-Event-ID", during.description)])
            try onRing.readHead()
            try onRing.waitForEvents(2)
            #expect(onRing.events.map(\.data) == ["after-b", "after-a"])
            let elsewhere = try SSEClient(
                port: b.port, path: "/events/c", headers: [("Last-Event-ID", during.description)])
            try elsewhere.readHead()
            try elsewhere.waitForEvents(1)
            #expect(elsewhere.events.map(\.event) == ["reset"])
        }
    }
}
