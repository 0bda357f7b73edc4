import Broadcast
import SSEHub
import Testing

/// Found by the soak (Benchmarks/soak, finding 9): a browser resumes on a hub still cut off from Redis with an
/// id of the group's newer epoch, which that hub has not heard yet.
/// - The hub's own ids of the outage sorted below that id, so the stream took the hub's new events for ones it
///   already had and skipped them (lost, 46 in the soak).
/// - A gap `reset` (no id of its own) ended the skipping, so the back-fill then re-sent what the browser already
///   had (duplicated, 195 in the soak).
/// - Finding 10: a second browser resuming from that epoch once the hub's own ids had risen above it was told
///   the id came from another hub's outage (a `reset`), where the resume was exact.
@Suite struct ResumeAboveThePositionTests {
    /// A hub in a group whose relay is cut off (`HandRelay.cutOff`), and a stream resuming from `resumeID`, an id
    /// of a newer group epoch.
    func resumeAboveThePosition(_ body: (Hub, ReadYourWritesTests.HandRelay, SSEClient, EventID) throws -> Void)
        throws
    {
        try withHub { hub in
            let relay = ReadYourWritesTests.HandRelay()
            hub.install(relay)
            relay.cutOff()
            let resumeID = EventID(epoch: hub.position.epoch + 5_000, sequence: 7)
            let client = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Last-Event-ID", resumeID.description)])
            try client.readHead()
            // Cut off, the hub cannot fetch what it never heard: the stream learns so first.
            try client.waitForEvents(1)
            #expect(client.events.first?.event == "reset")
            try body(hub, relay, client, resumeID)
        }
    }

    @Test func theHubsOwnEventsOfTheOutageReachTheStreamAboveItsResumeID() throws {
        try resumeAboveThePosition { hub, _, client, resumeID in
            let answer = try TestHTTP.postForm(hub.port, "channel=news&data=local")
            #expect(answer.status == 200)
            try client.waitForEvents(2)
            #expect(client.events.dropFirst().map(\.data) == ["local"], "the hub's own event was skipped as had")
            let id = try #require(client.events.last?.id.flatMap(EventID.init))
            #expect(resumeID < id, "ids on the stream rise: \(resumeID) then \(id)")
        }
    }

    @Test func aGapResetDoesNotLetThroughWhatTheStreamAlreadyHad() throws {
        try resumeAboveThePosition { hub, _, client, resumeID in
            hub.reportGap(in: ["news"], reason: "test gap")
            // The back-fill after the gap: the group's events up to the resume id (the browser had them), then one
            // after it.
            for sequence in 5...7 {
                hub.deliverRelayed(
                    channels: ["news"], id: EventID(epoch: resumeID.epoch, sequence: UInt64(sequence)), event: nil,
                    data: Array("had \(sequence)".utf8))
            }
            hub.deliverRelayed(
                channels: ["news"], id: EventID(epoch: resumeID.epoch, sequence: 8), event: nil, data: Array("new".utf8)
            )
            try client.waitForEvents(3)
            #expect(client.events.map { $0.event == "reset" ? "reset" : $0.data } == ["reset", "reset", "new"])
        }
    }

    @Test func aLaterResumeFromThatEpochBelowTheHubsOwnIDsIsExact() throws {
        try resumeAboveThePosition { hub, _, first, resumeID in
            let answer = try TestHTTP.postForm(hub.port, "channel=news&data=local")
            #expect(answer.status == 200)
            try first.waitForEvents(2)
            // Another browser that had the group's events up to the same id: the position now lies above it.
            let second = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Last-Event-ID", resumeID.description)])
            try second.readHead()
            try second.waitForEvents(1)
            #expect(second.events.map(\.data) == ["local"], "reset instead of the hub's own event: \(second.events)")
        }
    }
}
