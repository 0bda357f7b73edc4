import Broadcast
import Glibc
import Testing

@Suite struct StreamTests {
    @Test func aStreamStartsWithTheSSEHeadAndRetry() throws {
        try withHub({ $0.retryMilliseconds = 1234 }) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/news")
            #expect(try client.readHead() == 200)
            #expect(client.head.contains("Content-Type: text/event-stream\r\n"))
            #expect(client.head.contains("Cache-Control: no-cache\r\n"))
            #expect(client.head.contains("X-Accel-Buffering: no\r\n"))
            #expect(!client.head.lowercased().contains("content-length"))
            #expect(!client.head.lowercased().contains("transfer-encoding"))
            let published = try hub.publish(channels: ["news"], event: "update", data: Array("one\r\ntwo".utf8))
            try client.waitForEvents(1)
            #expect(client.retry == 1234)
            #expect(client.events == [ReceivedEvent(id: published.id.description, event: "update", data: "one\ntwo")])
        }
    }

    @Test func aMultiChannelStreamGetsEveryChannelAndSharedEventsOnce() throws {
        try withHub { hub in
            let client = try SSEClient(port: hub.port, path: "/events?channel=a&channel=b")
            try client.readHead()
            _ = try hub.publish(channels: ["a"], event: nil, data: Array("1".utf8))
            _ = try hub.publish(channels: ["c"], event: nil, data: Array("not mine".utf8))
            _ = try hub.publish(channels: ["b", "a"], event: nil, data: Array("2".utf8))
            _ = try hub.publish(channels: ["b"], event: nil, data: Array("3".utf8))
            try client.waitForEvents(3)
            #expect(client.events.map(\.data) == ["1", "2", "3"])
        }
    }

    @Test func eventIdsAreUniqueAcrossChannelsAndRuns() throws {
        let first = try withHub { hub in
            [
                try hub.publish(channels: ["a"], event: nil, data: []).id,
                try hub.publish(channels: ["b"], event: nil, data: []).id,
            ]
        }
        #expect(first[0] != first[1])
        #expect(first[0].sequence + 1 == first[1].sequence)
        let second = try withHub { hub in try hub.publish(channels: ["a"], event: nil, data: []).id }
        #expect(second.epoch > first[0].epoch, "a later run's ids differ from an earlier run's")
    }

    @Test(arguments: ["header", "query"])
    func resumesExactlyAfterTheLastEventID(_ how: String) throws {
        try withHub { hub in
            var ids: [EventID] = []
            for index in 1...5 {
                ids.append(try hub.publish(channels: ["feed"], event: nil, data: Array("e\(index)".utf8)).id)
            }
            _ = try hub.publish(channels: ["other"], event: nil, data: Array("x".utf8))
            let client =
                how == "header"
                ? try SSEClient(port: hub.port, path: "/events/feed", headers: [("Last-Event-ID", ids[1].description)])
                : try SSEClient(port: hub.port, path: "/events/feed?last_event_id=\(ids[1])")
            try client.readHead()
            _ = try hub.publish(channels: ["feed"], event: nil, data: Array("live".utf8))
            try client.waitForEvents(4)
            #expect(client.events.map(\.data) == ["e3", "e4", "e5", "live"])
            #expect(client.events.map(\.id) == [ids[2], ids[3], ids[4]].map(\.description) + [client.events[3].id])
        }
    }

    @Test func replayAndSubscribeAreAtomicWhilePublishing() throws {
        try withHub { hub in
            // Publish continuously from another thread while streams resume: each must see every event after its
            // resume point exactly once, in order.
            let first = try hub.publish(channels: ["race"], event: nil, data: Array("0".utf8))
            let publisher = PublisherThread(hub: hub, channel: "race", count: 400)
            var clients: [SSEClient] = []
            for _ in 0..<20 {
                let client = try SSEClient(
                    port: hub.port, path: "/events/race", headers: [("Last-Event-ID", first.id.description)])
                try client.readHead()
                clients.append(client)
            }
            publisher.join()
            for client in clients {
                try client.waitForEvents(400)
                #expect(client.events.map(\.data) == (1...400).map(String.init))
            }
        }
    }

    @Test func anIdOlderThanTheRingGetsAResetThenLiveEvents() throws {
        try withHub({ $0.replayEvents = 3 }) { hub in
            let old = try hub.publish(channels: ["ring"], event: nil, data: Array("0".utf8))
            for index in 1...5 { _ = try hub.publish(channels: ["ring"], event: nil, data: Array("\(index)".utf8)) }
            let client = try SSEClient(
                port: hub.port, path: "/events/ring", headers: [("Last-Event-ID", old.id.description)])
            try client.readHead()
            let live = try hub.publish(channels: ["ring"], event: nil, data: Array("live".utf8))
            try client.waitForEvents(2)
            #expect(client.events[0].event == "reset")
            #expect(client.events[0].data.contains("older than the replay buffer"))
            #expect(client.events[0].data.contains("\"ring\""))
            #expect(client.events[1] == ReceivedEvent(id: live.id.description, event: "message", data: "live"))
        }
    }

    @Test(arguments: [
        ("1-1", "earlier run"), ("99999999999999-1", "unknown"), ("garbage", "not an id"), ("", "not an id"),
    ])
    func anUnknownIdGetsAResetThatSaysWhy(_ lastID: String, _ reason: String) throws {
        try withHub { hub in
            _ = try hub.publish(channels: ["r"], event: nil, data: Array("before".utf8))
            let client = try SSEClient(port: hub.port, path: "/events/r", headers: [("Last-Event-ID", lastID)])
            try client.readHead()
            try client.waitForEvents(1)
            #expect(client.events[0].event == "reset")
            #expect(client.events[0].data.contains(reason))
            // The reset carries the hub's position, so resuming from it is exact.
            #expect(EventID(client.events[0].id ?? "")?.epoch == hub.epoch)
        }
    }

    @Test func aFutureSequenceOfThisRunIsUnknown() throws {
        try withHub { hub in
            let id = try hub.publish(channels: ["f"], event: nil, data: []).id
            let future = EventID(epoch: id.epoch, sequence: id.sequence + 10)
            let client = try SSEClient(
                port: hub.port, path: "/events/f", headers: [("Last-Event-ID", future.description)])
            try client.readHead()
            try client.waitForEvents(1)
            #expect(client.events[0].event == "reset")
            #expect(client.events[0].data.contains("unknown"))
        }
    }

    @Test func idleStreamsGetKeepaliveComments() throws {
        try withHub({ $0.keepalive = .milliseconds(100) }) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/quiet")
            try client.readHead()
            try client.waitForComments(3, timeout: 5)
            #expect(client.events.isEmpty)
        }
    }

    /// Issue 8 item 17: one undecodable value names its parameter, not "no channel given".
    @Test func aChannelThatIsNotUTF8IsNamedInTheError() throws {
        try withHub { hub in
            let response = try TestSocket(port: hub.port).exchange("GET", "/events?channel=a&channel=%ff")
            #expect(response.status == 400)
            #expect(response.text.contains(#"query parameter \"channel\" is not valid UTF-8"#), "\(response.text)")
        }
    }

    @Test(arguments: [
        ("/events/" + String(repeating: "a", count: 128), 200), ("/events/" + String(repeating: "a", count: 129), 400),
        ("/events/a.b:c_d-E9", 200), ("/events/a%20b", 400), ("/events/a%2Fb", 400), ("/events", 400),
        ("/events?channel=", 400), ("/events/%C3%A9", 400),
    ])
    func channelNamesFollowTheRuleAtItsEdges(_ path: String, _ status: Int) throws {
        try withHub { hub in
            // A stream's head has no Content-Length, so reading it as a response reads the head alone.
            let response = try TestSocket(port: hub.port).exchange("GET", path)
            #expect(response.status == status)
            if status == 400 { #expect(response.text.contains("channel")) }
        }
    }
}

/// Publishes `count` events numbered 1... on its own thread.
final class PublisherThread: @unchecked Sendable {
    private var thread = pthread_t()

    init(hub: Hub, channel: String, count: Int) {
        let box = Unmanaged.passRetained(
            Box {
                for index in 1...count {
                    _ = try? hub.publish(channels: [channel], event: nil, data: Array("\(index)".utf8))
                }
            })
        pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box.toOpaque())
    }

    func join() { pthread_join(thread, nil) }

    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
