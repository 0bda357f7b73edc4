import SSEHub
import Testing

/// Found by the chaos soak (Benchmarks/soak): during a Redis outage a hub gives events its own ids (its boot
/// epoch), and every id Redis assigns later has a newer epoch. A replay ring that then holds both is not in id
/// order, yet resume walks it as if it were, and any outage id sorts below every Redis id. Two symptoms:
/// a resume from another hub's outage id replays the whole ring (duplicates, out of order), and a resume from
/// a Redis id skips, without a `reset`, the events stored before an outage event.
///
/// Fixed: a hub alone takes an epoch above its newest id (and the group's is raised above that on reconnect),
/// so rings stay in id order; a resume id of an epoch the hub never saw is answered with a reset.
@Suite struct OutageResumeTests {
    /// A hub whose broker is down, a stream of `c` on it, and two events relayed earlier (`r1`, `r2`) under a
    /// Redis epoch, which is returned.
    func streamWithTwoRelayedEvents(_ hub: Hub) throws -> (SSEClient, UInt64) {
        hub.install(TestRelay.down)
        let keeper = try SSEClient(port: hub.port, path: "/events/c")
        try keeper.readHead()
        try eventually("the keeper subscribed") { hub.hasLocalSubscribers("c") }
        let redisEpoch = hub.epoch + 60_000
        for sequence in 1...2 {
            hub.deliverRelayed(
                channels: ["c"], id: EventID(epoch: redisEpoch, sequence: UInt64(sequence)), event: nil,
                data: Array("r\(sequence)".utf8))
        }
        return (keeper, redisEpoch)
    }

    /// The resume from an outage id this hub never issued (another hub of the group gave it) must not replay
    /// events the client already had: the hub cannot know where that id stands, so it answers with a reset.
    @Test func aResumeFromAnotherHubsOutageIDReplaysNothingItAlreadyHad() throws {
        try withHub { hub in
            let (keeper, redisEpoch) = try streamWithTwoRelayedEvents(hub)
            try keeper.waitForEvents(2)
            // The client had r1 and r2 from the other hub, then that hub's own event during an outage.
            let otherHubsOutageID = EventID(epoch: hub.epoch + 1, sequence: 3)
            let resumed = try SSEClient(
                port: hub.port, path: "/events/c", headers: [("Last-Event-ID", otherHubsOutageID.description)])
            try resumed.readHead()
            hub.deliverRelayed(
                channels: ["c"], id: EventID(epoch: redisEpoch, sequence: 4), event: nil, data: Array("r4".utf8))
            try resumed.waitForEvents(1)
            try? resumed.waitForEvents(3, timeout: 0.5)
            #expect(!resumed.events.map(\.data).contains("r1"), "\(resumed.events)")
            #expect(
                resumed.events.first?.event == "reset" && resumed.events.first?.data.contains("another hub") == true)
        }
    }

    /// The resume from a Redis id must bring every event after it that this hub's ring holds, or a reset:
    /// here r2 comes before this hub's own outage event l3 in the ring and is skipped silently.
    @Test func aResumeFromARedisIDBringsWhatPrecedesAnOutageEventInTheRing() throws {
        try withHub { hub in
            let (keeper, redisEpoch) = try streamWithTwoRelayedEvents(hub)
            // Redis is down: this publish is local and gets the hub's own id.
            _ = try hub.submit(channels: ["c"], event: nil, data: Array("l3".utf8))
            // Redis is back, restarted: a newer epoch.
            hub.deliverRelayed(
                channels: ["c"], id: EventID(epoch: redisEpoch + 30_000, sequence: 1), event: nil,
                data: Array("r4".utf8))
            try keeper.waitForEvents(4)
            let resumed = try SSEClient(
                port: hub.port, path: "/events/c", headers: [("Last-Event-ID", "\(redisEpoch)-1")])
            try resumed.readHead()
            try resumed.waitForEvents(1)
            try? resumed.waitForEvents(3, timeout: 0.5)
            let got = resumed.events.map(\.data)
            #expect(got.contains("r2") || resumed.events.contains { $0.event == "reset" }, "\(resumed.events)")
        }
    }
}

extension OutageResumeTests {
    /// A stream of two channels resumes from the newest id of either: an epoch seen on one channel only is
    /// still this hub's, so the other resumes exactly instead of with a reset.
    @Test func aTwoChannelResumeFromAnEpochSeenOnTheOtherChannelIsExact() throws {
        try withHub { hub in
            hub.install(TestRelay.down)
            let keeper = try SSEClient(port: hub.port, path: "/events?channel=a&channel=b")
            try keeper.readHead()
            try eventually("the keeper subscribed") { hub.hasLocalSubscribers("a") && hub.hasLocalSubscribers("b") }
            let (old, middle, newest) = (hub.epoch + 60_000, hub.epoch + 90_000, hub.epoch + 120_000)
            hub.deliverRelayed(
                channels: ["a"], id: EventID(epoch: old, sequence: 1), event: nil, data: Array("a1".utf8))
            hub.deliverRelayed(
                channels: ["b"], id: EventID(epoch: middle, sequence: 2), event: nil, data: Array("b2".utf8))
            hub.deliverRelayed(
                channels: ["b"], id: EventID(epoch: newest, sequence: 3), event: nil, data: Array("b3".utf8))
            try keeper.waitForEvents(3)
            // A browser that had b2 (an epoch channel a never carried, and no longer the newest) resumes.
            let resumed = try SSEClient(
                port: hub.port, path: "/events?channel=a&channel=b",
                headers: [("Last-Event-ID", EventID(epoch: middle, sequence: 2).description)])
            try resumed.readHead()
            try resumed.waitForEvents(1)
            try? resumed.waitForEvents(2, timeout: 0.5)
            #expect(resumed.events.map(\.data) == ["b3"], "\(resumed.events)")
        }
    }
}
