/// Every channel of the hub and the hub's event sequence. Guarded by the hub's publish lock: publishing and
/// subscribing take it briefly, so ids, ring order and subscription are consistent with each other.
package struct ChannelTable {
    let epoch: UInt64
    let loopCount: Int
    let replayLimits: ReplayLimits
    let maxChannels: Int
    /// Places in this hub's delivery order, one per event.
    private(set) var sequence: UInt64 = 0
    /// The newest event id issued or relayed: where a resume from "now" stands.
    private(set) var position: EventID
    /// Where the coverage of a channel created now starts: the run's start, or the position when a channel was
    /// last evicted (a recreated channel may have had events that are gone).
    private var coverageFloor: EventID
    /// Whether events come through a relay (then coverage also restarts whenever a channel regains listeners).
    var relayed = false
    /// The epoch of the ids this hub gave its own events during the latest relay outage (`nextLocalID`).
    private var localEpoch: UInt64?
    /// The newest id a stream resumed from that lay above the position (the group's, unheard here yet): ids this
    /// hub issues alone must rise above it too, or that stream would take them for events it already had.
    private(set) var newestResumed: EventID?
    /// Below `Hub.localEpochSpreadLimit`, chosen once per hub.
    private let localEpochSpread = UInt64.random(in: 0..<Hub.localEpochSpreadLimit)
    private(set) var channels: [String: ChannelRecord] = [:]
    private(set) var subscriberCount = 0
    private var nextKey: UInt64 = 1
    /// The epochs of the ids this hub has issued or relayed, newest last (the latest 256): a resume id of
    /// another epoch names a place this hub cannot find.
    private(set) var seenEpochs: [UInt64] = []
    /// Counts changed since presence observers last heard; nil while nobody observes (`Hub.observePresence`).
    var presence: [String: Int]?
    var nextSharedStream: UInt64 = 1
    /// Bytes held by every ring together, and the order the events were stored in (for the total bound).
    var replay = ReplayLedger()

    init(epoch: UInt64, loopCount: Int, replayLimits: ReplayLimits, maxChannels: Int) {
        self.epoch = epoch
        self.loopCount = loopCount
        self.replayLimits = replayLimits
        self.maxChannels = maxChannels
        self.position = EventID(epoch: epoch, sequence: 0)
        self.coverageFloor = position
    }

    mutating func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    /// Moves the position to `id` if it is newer (relayed ids of a group agree across its hubs).
    mutating func advance(to id: EventID) {
        if position < id { position = id }
        if seenEpochs.last != id.epoch { note(epoch: id.epoch) }
    }

    /// The epochs of ids streams resumed from above the position (the latest 16), kept apart from `seenEpochs`:
    /// a client chooses them, so invented ones may push out only each other, never an epoch this hub issued.
    private(set) var resumedEpochs: [UInt64] = []

    /// A stream resumed from `id`, above the position: an id of the group this hub has not heard yet. Its epoch
    /// counts as known from now on: this hub's own ids of an outage rise above it (`nextLocalID`), so a later
    /// resume from that epoch, below the position by then, is exact (after it come only those own ids and what
    /// the back-fill brings), not one from another hub's outage.
    mutating func noteResumed(from id: EventID) {
        newestResumed = max(newestResumed ?? id, id)
        guard !resumedEpochs.contains(id.epoch) else { return }
        resumedEpochs.append(id.epoch)
        if resumedEpochs.count > 16 { resumedEpochs.removeFirst() }
    }

    private mutating func note(epoch: UInt64) {
        seenEpochs.append(epoch)
        // Epochs change only when the group's is raised or a hub is cut off: a few per outage.
        if seenEpochs.count > 256 { seenEpochs.removeFirst(seenEpochs.count - 256) }
    }

    /// The id of an event a hub of a group publishes on its own (its relay is down). It must rise above every id
    /// its streams have seen and never equal one the group issues meanwhile, so it takes an epoch of its own,
    /// one above the newest it knows, kept for the rest of the outage. Group epochs are milliseconds of the wall
    /// clock, so the group's next one, raised by the relay when it is back (`Hub.position`), lies above it.
    mutating func nextLocalID() -> EventID {
        let seen = max(position, newestResumed ?? position)
        if let localEpoch, position.epoch == localEpoch, seen.epoch <= localEpoch {
            return EventID(epoch: localEpoch, sequence: position.sequence + 1)
        }
        // The spread keeps two hubs cut off at once from choosing one epoch (their ids would then name
        // different events alike); the relay raises the group's epoch by more than it.
        let epoch = seen.epoch + 1 + localEpochSpread
        localEpoch = epoch
        return EventID(epoch: epoch, sequence: 1)
    }

    /// Where a gap `reportGap` announces sits among the ids. While this hub gives ids of its own, its position is
    /// one of them, held by the browsers that had its newest event before the gap; the events dropped lie below
    /// it. The gap takes the next sequence of the local epoch (no event ever gets it), so a resume from the
    /// position is before the gap and reset, and one from the `reset` itself is exact. A group id cannot be
    /// taken (Redis gives the next ones): the gap stays at the position.
    mutating func markGap() -> EventID {
        guard let localEpoch, position.epoch == localEpoch, position.sequence < .max else { return position }
        position = EventID(epoch: localEpoch, sequence: position.sequence + 1)
        return position
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
            key: key, ring: ReplayRing(capacity: replayLimits.events, maxBytes: replayLimits.bytesPerChannel),
            coverageStart: coverageFloor,
            loopSubscribers: Array(repeating: 0, count: loopCount), lastActivity: now)
        return key
    }

    /// Throws when the channels of `names` that do not exist yet would not fit even after every channel with
    /// no subscribers were evicted; evicts nothing itself. Scans the table only when the limit is near.
    func checkRoom(for names: [String]) throws(HubError) {
        // Far from the limit (every publish and subscribe): no counting, no allocation.
        guard channels.count + names.count > maxChannels else { return }
        let new = Set(names.lazy.filter { channels[$0] == nil }).count
        guard new > 0, channels.count + new > maxChannels else { return }
        let busy = channels.values.count { $0.subscriberCount > 0 }
        guard busy + new <= maxChannels else {
            throw .channelLimit(
                "the hub holds its limit of \(maxChannels) channels and \(busy) have subscribers; "
                    + "\(new) more do not fit")
        }
    }

    mutating func withRecord<R>(_ name: String, _ body: (inout ChannelRecord) -> R) -> R? {
        guard channels[name] != nil else { return nil }
        return body(&channels[name]!)
    }

    mutating func adjustSubscribers(by delta: Int) {
        subscriberCount += delta
    }

    /// Records the subscriber counts of `names` for presence observers (nothing when there are none); the
    /// newest count of a channel replaces an unreported older one. Under the lock, so counts are in order.
    mutating func notePresence(of names: [String]) {
        guard presence != nil else { return }
        for name in names { presence?[name] = channels[name]?.subscriberCount ?? 0 }
    }

    private mutating func evictIdleChannels() {
        let idle = channels.filter { $0.value.subscriberCount == 0 }.sorted {
            $0.value.lastActivity < $1.value.lastActivity
        }
        for (name, record) in idle.prefix(max(1, maxChannels / 10)) {
            replay.released(bytes: record.ring.bytes, frames: record.ring.count)
            channels[name] = nil
        }
        coverageFloor = position
    }
}
