/// Every channel of the hub and the hub's event sequence. Guarded by the hub's publish lock: publishing and
/// subscribing take it briefly, so ids, ring order and subscription are consistent with each other.
struct ChannelTable {
    private(set) var epoch: UInt64
    let loopCount: Int
    let ringCapacity: Int
    let maxChannels: Int
    private(set) var sequence: UInt64 = 0
    private(set) var channels: [String: ChannelRecord] = [:]
    private(set) var subscriberCount = 0
    private var nextKey: UInt64 = 1
    /// The newest sequence of any evicted channel: the floor of every channel created after it.
    private var evictedFloor: UInt64 = 0

    init(epoch: UInt64, loopCount: Int, ringCapacity: Int, maxChannels: Int) {
        self.epoch = epoch
        self.loopCount = loopCount
        self.ringCapacity = ringCapacity
        self.maxChannels = maxChannels
    }

    var position: EventID { EventID(epoch: epoch, sequence: sequence) }

    mutating func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    /// Takes a relayed id as the table's position: the group's epoch and sequence replace this hub's own, so
    /// `Last-Event-ID`s agree with every hub of the group.
    mutating func adopt(_ id: EventID) -> EventID {
        epoch = id.epoch
        sequence = max(sequence, id.sequence)
        return id
    }

    /// The record for `name`, created if new. At the channel limit, the channels idle longest with no
    /// subscribers are evicted (a tenth of them, so eviction is rare); with none idle the limit holds.
    mutating func record(named name: String, now: UInt64) throws(HubError) -> UInt64 {
        if let existing = channels[name]?.key { return existing }
        if channels.count >= maxChannels { evictIdleChannels() }
        guard channels.count < maxChannels else {
            throw .channelLimit("the hub holds its limit of \(maxChannels) channels, all with subscribers")
        }
        let key = nextKey
        nextKey += 1
        channels[name] = ChannelRecord(
            key: key, ring: ReplayRing(capacity: ringCapacity), floor: evictedFloor,
            loopSubscribers: Array(repeating: 0, count: loopCount), lastActivity: now)
        return key
    }

    mutating func withRecord<R>(_ name: String, _ body: (inout ChannelRecord) -> R) -> R? {
        guard channels[name] != nil else { return nil }
        return body(&channels[name]!)
    }

    mutating func adjustSubscribers(by delta: Int) {
        subscriberCount += delta
    }

    private mutating func evictIdleChannels() {
        let idle = channels.filter { $0.value.subscriberCount == 0 }.sorted {
            $0.value.lastActivity < $1.value.lastActivity
        }
        for (name, record) in idle.prefix(max(1, maxChannels / 10)) {
            evictedFloor = max(evictedFloor, record.lastSequence)
            channels[name] = nil
        }
    }
}
