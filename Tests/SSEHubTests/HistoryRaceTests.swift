import SSEHub
import Testing

/// A resume served from the relay's stored history races the live copy of the same event: Redis answers the
/// history on one connection and publishes on another, so the history may already hold an event whose live
/// message arrives after it. Found under ThreadSanitizer timing (event 9 twice in
/// `aResumeOnAHubThatNeverHeardTheChannelReplaysFromRedis`); here the order is forced.
@Suite struct HistoryRaceTests {
    @Test func anEventInTheHistoryIsNotSentAgainWhenItsLiveCopyArrivesLater() throws {
        try withHub { hub in
            let group = hub.epoch + 1000
            let stored = (1...3).map {
                RelayedEvent(id: EventID(epoch: group, sequence: UInt64($0)), event: nil, data: Array("\($0)".utf8))
            }
            hub.install(TestRelay.storing(stored))
            // A Last-Event-ID from before this hub kept the channel: its events come from the stored history.
            let client = try SSEClient(
                port: hub.port, path: "/events/feed",
                headers: [("Last-Event-ID", EventID(epoch: group, sequence: 1).description)])
            try client.readHead()
            try client.waitForEvents(2)
            // The live copy of the newest stored event arrives after the history went out, then a new one.
            hub.deliverRelayed(channels: ["feed"], id: stored[2].id, event: nil, data: stored[2].data)
            hub.deliverRelayed(
                channels: ["feed"], id: EventID(epoch: group, sequence: 4), event: nil, data: Array("4".utf8))
            try client.waitForEvents(3)
            try? client.waitForEvents(4, timeout: 0.5)
            #expect(client.events.map(\.data) == ["2", "3", "4"])
        }
    }
}
