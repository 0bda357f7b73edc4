/// Carries every publish of a hub through a shared broker (the Redis bridge) and back, so all hubs of a group
/// deliver each channel's events in one order with the same ids. Installed once, before traffic.
package protocol PublishRelay: AnyObject, Sendable {
    /// Takes the event for the group. False when the relay cannot take it now (broker down): the hub then
    /// delivers it locally. `completion` gets the assigned id (nil if it failed after being taken), on any
    /// thread. `key`: the event's coalescing key, which every hub of the group needs too.
    func relay(
        channels: [String], event: String?, data: [UInt8], key: String?,
        completion: @escaping @Sendable (EventID?) -> Void
    ) -> Bool
    /// A channel gained its first local subscriber (`true`) or lost its last (`false`).
    func interestChanged(channel: String, interested: Bool)
    /// The stored events of `channel` after `id` (at most `limit`), for a resume this hub cannot serve from its
    /// own ring. False when unavailable. `completion` gets the events oldest first, or nil when the stored
    /// history does not reach back to `id` (then the stream gets a reset).
    func history(
        channel: String, after id: EventID, limit: Int,
        completion: @escaping @Sendable ([RelayedEvent]?) -> Void
    ) -> Bool
    /// Whether the hub may be sent traffic (`GET /health/ready`).
    var isReady: Bool { get }
    /// Extra fields for `GET /health`.
    var health: [(String, JSONValue)] { get }
    /// Adds the relay's families to `GET /metrics` (broker state, round trips, failures).
    func writeMetrics(to page: inout PrometheusText)
    /// The subscriber counts across the group the relay has heard, by channel, or nil when it hears none;
    /// `completion` runs on any thread.
    func groupSubscriberCounts(_ completion: @escaping @Sendable ([String: Int]?) -> Void)
}

extension PublishRelay {
    /// A relay with nothing to count adds nothing.
    package func writeMetrics(to page: inout PrometheusText) {}
    /// A relay that hears no group counts has none.
    package func groupSubscriberCounts(_ completion: @escaping @Sendable ([String: Int]?) -> Void) { completion(nil) }
}

/// One stored event from a relay's broker.
package struct RelayedEvent: Sendable {
    package let id: EventID
    package let event: String?
    package let data: [UInt8]

    package init(id: EventID, event: String?, data: [UInt8]) {
        self.id = id
        self.event = event
        self.data = data
    }

    var frame: Frame {
        Frame(bytes: EventEncoder.encode(id: id.description, event: event, data: data), id: id)
    }
}

extension Hub {
    /// Routes every publish through `relay` from now on.
    package func install(_ relay: PublishRelay) {
        relayBox.withLock { $0 = relay }
        table.withLock { $0.relayed = true }
    }

    /// The relay every publish goes through, if one is installed.
    package var relay: PublishRelay? { relayBox.withLock { $0 } }

    /// Delivers an event that came back from the relay to `channels` (once, however many), with the id the
    /// broker gave it. Called on the relay's loop; events of one channel arrive in the broker's order.
    ///
    /// Returns false, delivering nothing, for an id not above `position`: an event the group published while
    /// this hub, cut off, gave its streams ids of its own above it (before `position` raised the group's).
    @discardableResult
    /// `keyScope`: the publish's whole channel list, when `channels` is only the part this hub listens to.
    package func deliverRelayed(
        channels: [String], id: EventID, event: String?, data: [UInt8], key: String? = nil, keyScope: [String]? = nil
    ) -> Bool {
        (try? store(
            channels: channels, event: event, data: data, key: key, keyScope: keyScope, fromLoop: nil, assignedID: id))
            != nil
    }

    /// The newest id this hub has issued or delivered. A relay coming back from an outage makes the group's
    /// next ids rise above it, so events this hub published alone meanwhile stay in order with the group's.
    package var position: EventID { table.withLock { $0.position } }

    /// Local epochs lie less than this above the position (see `ChannelTable.nextLocalID`): a relay raising the
    /// group's epoch after an outage raises it by at least this much.
    package static let localEpochSpreadLimit: UInt64 = 100
}
