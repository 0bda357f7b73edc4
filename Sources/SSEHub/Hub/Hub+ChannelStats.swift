/// One channel as `GET /channels` reports it: copied out under the publish lock, written out after.
package struct ChannelStats: Sendable {
    package let name: String
    package let subscribers: Int
    package let eventsPublished: Int
    package let lastEventID: EventID?
    /// Monotonic nanoseconds of the newest publish; 0 when none.
    package let lastPublishedAt: UInt64
    package let replayEvents: Int
    package let replayCapacity: Int
    package let replayBytes: Int
    package let replayMaxBytes: Int

    init(name: String, record: ChannelRecord) {
        self.name = name
        subscribers = record.subscriberCount
        eventsPublished = record.eventsPublished
        lastEventID = record.lastEventID
        lastPublishedAt = record.lastPublishedAt
        replayEvents = record.ring.count
        replayCapacity = record.ring.capacity
        replayBytes = record.ring.bytes
        replayMaxBytes = record.ring.maxBytes
    }

    /// The JSON object; `group` is the subscriber count across the hub's group when a relay has heard it.
    package func json(group: Int?, now: UInt64, wallNow: UInt64) -> JSONValue {
        let ago = lastPublishedAt == 0 ? nil : (now &- lastPublishedAt) / 1_000_000
        return .object([
            ("channel", .string(name)),
            ("subscribers", .number(Double(subscribers))),
            ("groupSubscribers", group.map { .number(Double($0)) } ?? .null),
            ("eventsPublished", .number(Double(eventsPublished))),
            ("lastEventId", lastEventID.map { .string($0.description) } ?? .null),
            // Milliseconds since the Unix epoch, from the monotonic stamp (the wall clock may have stepped).
            ("lastPublishedAt", ago.map { .number(Double(wallNow - $0)) } ?? .null),
            (
                "replay",
                .object([
                    ("events", .number(Double(replayEvents))), ("capacity", .number(Double(replayCapacity))),
                    ("bytes", .number(Double(replayBytes))), ("maxBytes", .number(Double(replayMaxBytes))),
                ])
            ),
        ])
    }
}

extension Hub {
    /// The channels whose names start with `prefix`, busiest (most subscribers) first, then by name; at most
    /// `limit`, with how many matched. The copy is taken under the publish lock, the sorting done outside it.
    package func channelStats(prefix: String, limit: Int) -> (channels: [ChannelStats], matched: Int) {
        var matched = table.withLock { table in
            table.channels.compactMap { name, record in
                name.hasPrefix(prefix) ? ChannelStats(name: name, record: record) : nil
            }
        }
        matched.sort { ($0.subscribers, $1.name) > ($1.subscribers, $0.name) }
        return (Array(matched.prefix(limit)), matched.count)
    }

    /// One channel, or nil when the hub holds no channel of that name.
    package func channelStats(named name: String) -> ChannelStats? {
        table.withLock { table in table.channels[name].map { ChannelStats(name: name, record: $0) } }
    }
}
