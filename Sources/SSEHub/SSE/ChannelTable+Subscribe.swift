/// What a new stream needs, computed atomically under the publish lock: where it joins each channel, which
/// stored events it missed, and whether its `Last-Event-ID` could not be honoured exactly.
struct SubscriptionPlan {
    struct Entry {
        let key: UInt64
        let name: String
        /// Events at or below this sequence were replayed or predate the stream; live delivery skips them.
        let floor: UInt64
    }

    var entries: [Entry] = []
    /// Replayed events in id order, then the `reset` event if any: the frames to send before live ones.
    var frames: [Frame] = []
    /// Channels that had no subscriber on this hub before this one (a relay subscribes to them).
    var newlyInterested: [String] = []
    /// Channels whose missed events this hub never heard: their history comes from the relay.
    var fetches: [(channel: String, after: EventID)] = []
    /// Names the stream in each of its channels' records when it takes more than one (`audience(of:)`).
    var sharedStream: UInt64?
    /// The resume id when it lies above this hub's position (of the group's epoch or a newer one): events this hub
    /// hears later up to it (a back-fill after its relay re-subscribes) were the client's already, and live
    /// delivery skips them.
    var alreadyHad: EventID?
    /// Why the stream's `reset` (the last of `frames`) was sent, if it got one.
    var reset: ResetReason?
}

extension ChannelTable {
    /// Registers one stream of `loop` on `names` and computes its replay from `lastEventID`.
    ///
    /// A channel whose missed events are all still in its ring is replayed exactly. Otherwise (an id from an
    /// earlier run, an id this hub never issued, or one older than the ring) the stream gets one `reset` event
    /// naming why and which channels; its id is the hub's current position, so the next reconnect resumes
    /// from here.
    /// `canFetch`: a relay can supply history this hub never heard (then such channels are fetched, not reset).
    mutating func subscribe(loop: Int, names: [String], lastEventID: String?, now: UInt64, canFetch: Bool = false)
        throws(HubError) -> SubscriptionPlan
    {
        var plan = SubscriptionPlan()
        let resume = lastEventID.map(ResumePoint.init)
        var replay: [Frame] = []
        var resetChannels: [String] = []
        var resetReason: ResetReason?
        let (epoch, position, relayed) = (self.epoch, self.position, self.relayed)
        let knownEpochs = resume == nil || resumedEpochs.isEmpty ? seenEpochs : seenEpochs + resumedEpochs
        // An id of the group's current epoch, or of a newer one the group raised meanwhile: raised epochs lie
        // more than the local spread above (`Hub.localEpochSpreadLimit`), while an epoch just above is another
        // hub's own from an outage (reset, and nothing to skip). Epochs are milliseconds of the clock, so none
        // lies past now: an invented id far ahead would hold back live events for good.
        if relayed, let id = resume?.id, position < id,
            id.epoch == position.epoch
                || (id.epoch > position.epoch + Hub.localEpochSpreadLimit
                    && id.epoch <= WallClock.millisecondsSinceEpoch() + 60_000)
        {
            plan.alreadyHad = id
            noteResumed(from: id)
        }
        // A refused request changes nothing: check that every new channel fits before creating any.
        try checkRoom(for: names)
        if names.count > 1 {
            plan.sharedStream = nextSharedStream
            nextSharedStream += 1
        }
        for name in names {
            let key = try record(named: name, now: now)
            withRecord(name) { record in
                if record.subscriberCount == 0 {
                    plan.newlyInterested.append(name)
                    // Through a relay, a hub hears a channel only while it has subscribers: what the group
                    // published meanwhile never reached this ring.
                    if relayed { record.coverageStart = max(record.coverageStart, position) }
                }
                record.loopSubscribers[loop] += 1
                if let shared = plan.sharedStream { record.sharedStreams.insert(shared) }
                record.lastActivity = now
                plan.entries.append(.init(key: key, name: name, floor: record.lastSequence))
                guard let resume else { return }
                switch resume.check(against: record, epoch: epoch, position: position, seenEpochs: knownEpochs) {
                case .exact(let after): replay.append(contentsOf: record.ring.frames(after: after))
                case .reset(let reason):
                    // A relay's stored history may reach where this ring does not; it decides.
                    if canFetch, let id = resume.id {
                        plan.fetches.append((name, id))
                    } else {
                        resetChannels.append(name)
                        resetReason = resetReason ?? reason
                    }
                }
            }
        }
        adjustSubscribers(by: names.count)
        notePresence(of: names)
        // Merge the channels' replays into id order; an event published to two of them is sent once.
        replay.sort { $0.sequence < $1.sequence }
        var lastSequence: UInt64 = 0
        for frame in replay where frame.sequence != lastSequence {
            plan.frames.append(frame)
            lastSequence = frame.sequence
        }
        if let resetReason {
            plan.frames.append(
                Self.resetFrame(
                    position: position, reason: resetReason.message, channels: resetChannels,
                    lastEventID: lastEventID ?? ""))
            plan.reset = resetReason
        }
        return plan
    }

    /// Returns the channels left with no subscriber on this hub.
    mutating func unsubscribe(loop: Int, names: [String], sharedStream: UInt64?) -> [String] {
        var abandoned: [String] = []
        for name in names {
            withRecord(name) { record in
                record.loopSubscribers[loop] -= 1
                if let sharedStream { record.sharedStreams.remove(sharedStream) }
                if record.subscriberCount == 0 { abandoned.append(name) }
            }
        }
        adjustSubscribers(by: -names.count)
        notePresence(of: names)
        return abandoned
    }

    /// How many streams an event published to `names` reaches: each stream once, however many of the names it
    /// takes. A single channel's count is its subscriber count; overlaps are looked for only across several.
    func audience(of names: [String]) -> Int {
        var total = 0
        var seenStreams: Set<UInt64> = []
        var seenSinks: Set<ObjectIdentifier> = []
        for name in names {
            guard let record = channels[name] else { continue }
            total += record.subscriberCount
            guard names.count > 1 else { continue }
            for stream in record.sharedStreams where !seenStreams.insert(stream).inserted { total -= 1 }
            for sink in record.streams where sink.channels.count > 1 {
                if !seenSinks.insert(ObjectIdentifier(sink)).inserted { total -= 1 }
            }
        }
        return total
    }

    /// The named `reset` event: the data says why and for which channels; the id is `position`, so the next
    /// reconnect resumes exactly from here.
    package static func resetFrame(
        position: EventID, reason: String, channels: [String], lastEventID: String, sequence: UInt64 = 0
    ) -> Frame {
        Frame(
            bytes: EventEncoder.encode(
                id: position.description, event: "reset",
                data: resetData(reason: reason, channels: channels, lastEventID: lastEventID)),
            sequence: sequence, id: position)
    }

    /// The data of a `reset` event: `{"reason", "channels", "lastEventId"}`.
    package static func resetData(reason: String, channels: [String], lastEventID: String) -> [UInt8] {
        JSONValue.object([
            ("reason", .string(reason)),
            ("channels", .array(channels.map(JSONValue.string))),
            ("lastEventId", .string(lastEventID)),
        ]).serialized()
    }
}

/// A parsed `Last-Event-ID` and the rules for whether a channel can be resumed from it exactly.
package struct ResumePoint {
    package let text: String
    package let id: EventID?

    package init(_ text: String) {
        self.text = text
        self.id = EventID(text)
    }

    enum Verdict {
        case exact(after: EventID)
        case reset(ResetReason)
    }

    /// `epoch`: this hub's boot stamp; `position`: the newest id issued or relayed.
    func check(against record: ChannelRecord, epoch: UInt64, position: EventID, seenEpochs: [UInt64] = [])
        -> Verdict
    {
        guard let id else { return .reset(.notAnID) }
        if position < id { return .reset(.unknownID) }
        if id < record.coverageStart {
            // Before this hub kept the channel: an earlier run, or events this hub never saw.
            return .reset(id.epoch < epoch && position.epoch == epoch ? .earlierRun : .olderThanReplay)
        }
        // Events after the id were pushed out of the ring.
        if let evicted = record.ring.evictedThrough, id < evicted {
            return .reset(.olderThanReplay)
        }
        // An epoch this hub never issued or relayed (on any channel: a stream of several resumes from another
        // channel's id): ids another hub of a group gave its own events while cut off from the broker. Where
        // that stands among this hub's events is unknowable; replaying after it would resend what the client had.
        if id.epoch != position.epoch && id.epoch != record.coverageStart.epoch && !seenEpochs.contains(id.epoch)
            && !record.ring.holds(epoch: id.epoch)
        {
            return .reset(.otherHubOutage)
        }
        return .exact(after: id)
    }
}
