/// One channel's shared state: its replay ring, its newest sequence, and who subscribes where.
/// Lives in the `ChannelTable`, under the hub's publish lock.
struct ChannelRecord {
    /// Stable number for this channel's lifetime; loops key their subscriber lists by it.
    let key: UInt64
    var ring: ReplayRing
    var lastSequence: UInt64 = 0
    /// The hub's position when it began keeping this channel: whatever the channel had before is unknown here
    /// (an earlier run, a channel evicted and recreated, events relayed before this hub listened), so a resume
    /// from before it cannot be exact.
    var coverageStart: EventID
    /// Subscribers of this channel on each loop; a publish wakes only loops with a count above zero.
    var loopSubscribers: [Int32]
    var streams: [EventStreamSink] = []
    /// HTTP streams here that take other channels too: a publish to several channels counts each once.
    var sharedStreams: Set<UInt64> = []
    var lastActivity: UInt64
    /// For `GET /channels`: events stored here, the newest one's id, and when (monotonic; 0 is never).
    var eventsPublished = 0
    var lastEventID: EventID?
    var lastPublishedAt: UInt64 = 0

    var subscriberCount: Int {
        var total = streams.count
        for count in loopSubscribers { total += Int(count) }
        return total
    }
}
