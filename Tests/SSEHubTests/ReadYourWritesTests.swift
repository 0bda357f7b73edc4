import Broadcast
import SSEHub
import Synchronization
import Testing

/// A relayed publish is answered once this hub has delivered it, so one publisher's events keep the order it
/// sent them in. Found by RedisDegradedIDTests under load: Redis, paused between writing a publish's answer and
/// its push, let the answer through first; the next publish, made while the hub was cut off, got an id below
/// the first and reached the hub's streams before it.
@Suite struct ReadYourWritesTests {
    /// A broker whose answers and pushes the test sends by hand, in the order it likes.
    final class HandRelay: PublishRelay {
        private let taken = Mutex<[(@Sendable (EventID?) -> Void, [String], [UInt8])]>([])
        private let ready = Atomic<Bool>(true)

        func relay(
            channels: [String], event: String?, data: [UInt8], key: String?,
            completion: @escaping @Sendable (EventID?) -> Void
        ) -> Bool {
            guard ready.load(ordering: .relaxed) else { return false }
            taken.withLock { $0.append((completion, channels, data)) }
            return true
        }
        func interestChanged(channel: String, interested: Bool) {}
        func history(
            channel: String, after id: EventID, limit: Int, completion: @escaping @Sendable ([RelayedEvent]?) -> Void
        ) -> Bool { false }
        var isReady: Bool { ready.load(ordering: .relaxed) }
        var health: [(String, JSONValue)] { [] }

        var count: Int { taken.withLock { $0.count } }
        func cutOff() { ready.store(false, ordering: .relaxed) }
        /// The broker's answer to the oldest publish it took.
        func answer(_ id: EventID) { taken.withLock { $0[0].0 }(id) }
        /// The broker's push of that publish back to the hub.
        func push(_ id: EventID, to hub: Hub) {
            let (_, channels, data) = taken.withLock { $0.removeFirst() }
            hub.deliverRelayed(channels: channels, id: id, event: nil, data: data)
        }
    }

    /// A publish sent on its own connection; its answer is read later.
    func startPublish(_ hub: Hub, _ data: String) -> TestSocket {
        let socket = try! TestSocket(port: hub.port)
        let body = "channel=news&data=\(data)"
        socket.send(
            "POST /broadcast HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return socket
    }

    @Test func theAnswerWaitsForTheHubsOwnDeliveryAndTheNextPublishFollowsIt() throws {
        try withHub { hub in
            let relay = HandRelay()
            hub.install(relay)
            let subscriber = try SSEClient(port: hub.port, path: "/events/news")
            try subscriber.readHead()
            let first = startPublish(hub, "first")
            try eventually("the relay took the publish") { relay.count == 1 }
            let id = EventID(epoch: hub.epoch + 1000, sequence: 1)
            relay.answer(id)
            // Answered by the broker, not yet delivered here: the publisher is not told yet.
            #expect(!first.readSome(timeout: 0.3), "answered before the hub delivered the event")
            relay.push(id, to: hub)
            let answer = try first.readResponse()
            #expect(answer.status == 200 && answer.text.contains(id.description))
            #expect(answer.text.contains(#""subscribers":1"#))

            // Cut off now, the publisher's next event is this hub's own: it follows the first, id and all.
            relay.cutOff()
            let second = startPublish(hub, "second")
            #expect(try second.readResponse().status == 200)
            try subscriber.waitForEvents(2)
            #expect(subscriber.events.map(\.data) == ["first", "second"])
            let ids = subscriber.events.compactMap { $0.id.flatMap(EventID.init) }
            #expect(ids.count == 2 && ids[0] < ids[1], "\(ids)")
        }
    }

    @Test func withNoLocalSubscriberOrNoPushTheAnswerStillComes() throws {
        try withHub { hub in
            let relay = HandRelay()
            hub.install(relay)
            // No subscriber here: the relay is not subscribed, the push never comes, the answer is at once.
            let unheard = startPublish(hub, "x")
            try eventually("the relay took the publish") { relay.count == 1 }
            relay.answer(EventID(epoch: hub.epoch + 1000, sequence: 1))
            #expect(try unheard.readResponse(timeout: 0.5).status == 200)
            relay.push(EventID(epoch: hub.epoch + 1000, sequence: 1), to: hub)

            // A subscriber, and a push that never comes (the subscription dropped): answered within the bound.
            let subscriber = try SSEClient(port: hub.port, path: "/events/news")
            try subscriber.readHead()
            let lost = startPublish(hub, "y")
            try eventually("the relay took the publish") { relay.count == 1 }
            let started = TestClock.now()
            relay.answer(EventID(epoch: hub.epoch + 1000, sequence: 2))
            #expect(try lost.readResponse(timeout: 5).status == 200)
            let waited = TestClock.now() - started
            #expect(waited >= 0.9 && waited < 4, "waited \(waited) s")
        }
    }
}
