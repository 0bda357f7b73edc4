/// The bounds on what the hub keeps for `Last-Event-ID` resume.
struct ReplayLimits {
    /// Events per channel.
    let events: Int
    let bytesPerChannel: Int
    /// Bytes across all channels: past it, the hub's oldest stored events go first, whatever their channel.
    let bytesTotal: Int
}

/// What all rings hold together, and the order their events were stored in, so the total bound pushes out
/// the hub's oldest event first. An entry whose frame its ring already pushed out (by its own bounds, or with
/// its channel) is stale and skipped; stale entries are swept once they outnumber the live ones.
struct ReplayLedger {
    private(set) var bytes = 0
    private(set) var frames = 0
    private var order: [(channel: String, sequence: UInt64)] = []
    private var head = 0

    mutating func released(bytes: Int, frames: Int) {
        self.bytes -= bytes
        self.frames -= frames
    }

    fileprivate mutating func stored(channel: String, sequence: UInt64, bytes: Int, frames: Int) {
        self.bytes += bytes
        self.frames += frames
        order.append((channel, sequence))
    }

    fileprivate mutating func popOldest() -> (channel: String, sequence: UInt64)? {
        guard head < order.count else { return nil }
        head += 1
        return order[head - 1]
    }

    var needsSweep: Bool { order.count - head > 2 * frames + 1024 }

    fileprivate mutating func sweep(keeping isLive: ((channel: String, sequence: UInt64)) -> Bool) {
        order = order[head...].filter(isLive)
        head = 0
    }
}

extension ChannelTable {
    /// Keeps `frame` in the ring of `name` and enforces the total bound.
    mutating func store(_ frame: Frame, in name: String, now: UInt64) {
        let stored = withRecord(name) { record -> (bytes: Int, frames: Int) in
            let framesBefore = record.ring.count
            let bytes = record.ring.append(frame)
            record.lastSequence = frame.sequence
            record.lastActivity = now
            record.eventsPublished += 1
            record.lastEventID = frame.id
            record.lastPublishedAt = now
            return (bytes, record.ring.count - framesBefore)
        }
        guard let stored else { return }
        replay.stored(channel: name, sequence: frame.sequence, bytes: stored.bytes, frames: stored.frames)
        while replay.bytes > replayLimits.bytesTotal, let oldest = replay.popOldest() {
            let released = withRecord(oldest.channel) { record -> Int in
                guard record.ring.oldestSequence == oldest.sequence else { return 0 }
                return record.ring.dropOldest()
            }
            if let released, released > 0 { replay.released(bytes: released, frames: 1) }
        }
        if replay.needsSweep {
            let channels = self.channels
            replay.sweep { entry in
                guard let oldest = channels[entry.channel]?.ring.oldestSequence else { return false }
                return oldest <= entry.sequence
            }
        }
    }
}
