import Broadcast
import SSEHub
import Testing

/// Found by the soak (Benchmarks/soak, finding 12): a hub cut off from Redis for a moment gave one event an id
/// of its own, then heard a group event published meanwhile, whose id lies below it. It dropped that event and
/// told its live streams with a `reset` at its position, but a browser away just then came back with the hub's
/// own id, exactly that position, and was resumed from the ring as if it had missed nothing (5 losses in the
/// soak). The gap now takes an id of the hub's own above it.
@Suite struct GapCoverageTests {
    /// Publishes on the cut-off hub (its relay refuses, so the hub gives the id) and returns the id.
    func publishAlone(_ hub: Hub, _ data: String) throws -> EventID {
        guard case .published(let receipt) = try hub.submit(channels: ["news"], event: nil, data: Array(data.utf8))
        else { throw TestTimeout(what: "a local publish") }
        return receipt.id
    }

    @Test func aResumeFromTheHubsPositionAtAGapGetsAResetAndOneFromTheResetIsExact() throws {
        try withHub { hub in
            let relay = ReadYourWritesTests.HandRelay()
            hub.install(relay)
            let group = EventID(epoch: hub.position.epoch + 5_000, sequence: 1)
            #expect(hub.deliverRelayed(channels: ["news"], id: group, event: nil, data: Array("group 1".utf8)))
            relay.cutOff()
            let live = try SSEClient(port: hub.port, path: "/events/news")
            try live.readHead()
            // One browser gets the hub's own event and leaves; `live` stays.
            let own = try publishAlone(hub, "own")
            #expect(hub.position == own)
            try live.waitForEvents(1)
            // The group's event published while the hub was cut off arrives: below the position, so dropped, and
            // the gap reported as the bridge reports it.
            let missed = EventID(epoch: group.epoch, sequence: 2)
            #expect(!hub.deliverRelayed(channels: ["news"], id: missed, event: nil, data: Array("group 2".utf8)))
            hub.reportGap(in: ["news"], reason: "behind the position")
            try live.waitForEvents(2)
            let gap = try #require(live.events.last?.id.flatMap(EventID.init))
            #expect(live.events.last?.event == "reset" && own < gap, "the gap's id is above the hub's own: \(gap)")

            let back = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Last-Event-ID", own.description)])
            try back.readHead()
            try back.waitForEvents(1)
            #expect(back.events.map(\.event) == ["reset"], "a resume from \(own) missed \(missed): \(back.events)")
            // The browser that had the live reset resumes exactly, and the hub's next own id is above the gap's.
            let informed = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Last-Event-ID", gap.description)])
            try informed.readHead()
            let next = try publishAlone(hub, "next")
            #expect(gap < next)
            try informed.waitForEvents(1)
            #expect(informed.events.map(\.data) == ["next"] && informed.events.first?.id == next.description)
        }
    }
}
