/// The newest events of one channel, oldest first, for resuming with `Last-Event-ID`: at most `capacity`
/// events and `maxBytes` bytes (one event larger than that is not kept). Guarded by the hub's publish lock.
/// Grows on demand, so a quiet channel holds only what it has published.
struct ReplayRing {
    let capacity: Int
    let maxBytes: Int
    /// Slots before `head` are nil: a pushed-out frame is released at once (a kept reference to it would hold
    /// its bytes outside every bound), and the empty slots are compacted in batches.
    private var frames: [Frame?] = []
    /// Index of the oldest frame kept.
    private var head = 0
    private(set) var bytes = 0
    /// The id of the newest frame pushed out of the ring: a resume from before it has lost events and cannot
    /// be exact.
    private(set) var evictedThrough: EventID?

    init(capacity: Int, maxBytes: Int) {
        self.capacity = capacity
        self.maxBytes = maxBytes
    }

    var count: Int { frames.count - head }

    /// The oldest frame's place in the hub's order (nil when empty).
    var oldestSequence: UInt64? { head < frames.count ? frames[head]?.sequence : nil }

    /// Keeps `frame`, pushing out the oldest past either bound; returns the change in bytes held.
    @discardableResult
    mutating func append(_ frame: Frame) -> Int {
        let before = bytes
        guard capacity > 0, frame.count <= maxBytes else {
            // Not kept: a resume from before it must not pretend to be exact.
            while count > 0 { dropOldest() }
            evictedThrough = frame.id
            return bytes - before
        }
        frames.append(frame)
        bytes += frame.count
        while count > capacity || bytes > maxBytes { dropOldest() }
        return bytes - before
    }

    /// Pushes out the oldest frame; returns its size (0 when empty).
    @discardableResult
    mutating func dropOldest() -> Int {
        guard head < frames.count, let oldest = frames[head] else { return 0 }
        let size = oldest.count
        evictedThrough = oldest.id
        frames[head] = nil
        bytes -= size
        head += 1
        // Compact once the dropped prefix is most of the array.
        if head > 32 && head * 2 > frames.count {
            frames.removeFirst(head)
            head = 0
        } else if head == frames.count {
            frames.removeAll(keepingCapacity: true)
            head = 0
        }
        return size
    }

    /// The frames with an id above `id`, oldest first.
    /// Whether some kept frame's id has `epoch`: a resume id of an epoch the ring never saw names a place this
    /// hub cannot find (another hub's ids from an outage).
    func holds(epoch: UInt64) -> Bool {
        frames[head...].contains { $0?.id?.epoch == epoch }
    }

    func frames(after id: EventID) -> [Frame] {
        // Ids rise from oldest to newest, so walk back from the newest and stop at the first old one.
        var index = frames.count - 1
        while index >= head {
            if let frameID = frames[index]?.id, frameID <= id { break }
            index -= 1
        }
        return frames[(index + 1)...].compactMap { $0 }
    }
}
