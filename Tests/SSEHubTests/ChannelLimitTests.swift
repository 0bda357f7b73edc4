import Broadcast
import Testing

@Suite struct ChannelLimitTests {
    @Test func idleChannelsAreEvictedAtTheLimitAndBusyOnesAre503() throws {
        try withHub({ $0.maxChannels = 3 }) { hub in
            var held: [SSEClient] = try (0..<3).map { index in
                let client = try SSEClient(port: hub.port, path: "/events/busy\(index)")
                try client.readHead()
                return client
            }
            // Every channel has a subscriber: a fourth cannot be made.
            let refused = try TestHTTP.postJSON(hub.port, #"{"channel": "new", "data": "x"}"#)
            #expect(refused.status == 503)
            #expect(refused.text.contains("limit of 3 channels"))
            let refusedStream = try TestSocket(port: hub.port).exchange("GET", "/events/new")
            #expect(refusedStream.status == 503)
            // Once a channel is idle it is evicted to make room.
            held.removeFirst()
            try eventually("the closed stream to leave its channel") { healthNumber(hub, "subscribers") == 2 }
            #expect(try TestHTTP.postJSON(hub.port, #"{"channel": "new", "data": "x"}"#).status == 200)
            #expect(healthNumber(hub, "channels") == 3)
            #expect(held.count == 2)
        }
    }

    /// A refused subscribe changes nothing: no channel, subscriber or interest is left behind (it used to leave
    /// the channels that fitted counted as subscribed forever, and every later new channel got 503).
    @Test func aSubscribeRefusedAtTheLimitLeavesNothingBehind() throws {
        try withHub({ $0.maxChannels = 4 }) { hub in
            let five = (0..<5).map { "channel=c\($0)" }.joined(separator: "&")
            let refused = try TestSocket(port: hub.port).exchange("GET", "/events?\(five)")
            #expect(refused.status == 503)
            #expect(refused.text.contains("limit of 4 channels"))
            #expect(healthNumber(hub, "subscribers") == 0)
            #expect(healthNumber(hub, "channels") == 0)
            // At the edge: four channels fit, and each publish reaches exactly the one stream.
            let four = (0..<4).map { "channel=d\($0)" }.joined(separator: "&")
            let client = try SSEClient(port: hub.port, path: "/events?\(four)")
            #expect(try client.readHead() == 200)
            let answer = try TestHTTP.postJSON(hub.port, #"{"channel": "d3", "data": "x"}"#)
            #expect(answer.text.contains(#""subscribers":1"#))
            try client.waitForEvents(1)
        }
    }

    @Test func aResumeOnAChannelRecreatedAfterEvictionIsAReset() throws {
        try withHub({ $0.maxChannels = 2 }) { hub in
            let old = try hub.publish(channels: ["first"], event: nil, data: Array("1".utf8))
            _ = try hub.publish(channels: ["second"], event: nil, data: Array("2".utf8))
            // A third channel evicts the idlest one ("first"), ring and all.
            _ = try hub.publish(channels: ["third"], event: nil, data: Array("3".utf8))
            #expect(healthNumber(hub, "channels") <= 2)
            let client = try SSEClient(
                port: hub.port, path: "/events/first", headers: [("Last-Event-ID", old.id.description)])
            try client.readHead()
            try client.waitForEvents(1)
            #expect(client.events[0].event == "reset")
        }
    }
}

@Suite struct InProcessTests {
    @Test func inProcessSubscribersGetEventsFromManyThreadsInOrderPerChannel() async throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        let broadcaster = try Broadcaster.start(configuration)
        defer { broadcaster.shutdown() }
        let stream = try broadcaster.subscribe(to: "p0", "p1", "p2")
        let publishers = (0..<3).map { PublisherThread(hub: broadcaster.hub, channel: "p\($0)", count: 200) }
        _ = try broadcaster.broadcast(channels: ["p0", "p1"], event: "both", data: "shared")
        publishers.forEach { $0.join() }
        let watchdog = endAfterTenSeconds(stream)
        defer { watchdog.cancel() }
        var next = ["p0": 1, "p1": 1, "p2": 1]
        var shared = 0
        var received = 0
        for await event in stream {
            if event.event == "both" {
                shared += 1
            } else {
                #expect(Int(event.data) == next[event.channel], "\(event.channel) out of order")
                next[event.channel, default: 0] += 1
            }
            received += 1
            if received == 601 { break }
        }
        #expect(shared == 1, "an event on two subscribed channels arrives once")
        #expect(next == ["p0": 201, "p1": 201, "p2": 201])
    }

    @Test func broadcastRejectsInvalidNamesWithoutPublishing() throws {
        try withHub { hub in
            let broadcaster = Broadcaster(attachingTo: hub)
            #expect(throws: HubError.self) { try broadcaster.broadcast(channel: "no spaces", data: "x") }
            #expect(throws: HubError.self) { try broadcaster.broadcast(channel: "ok", event: "a\nb", data: "x") }
            #expect(healthNumber(hub, "eventsPublished") == 0)
        }
    }
}
