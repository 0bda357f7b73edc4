/// The last `capacity` events of one channel, oldest first, for resuming with `Last-Event-ID`.
/// Guarded by its channel's lock. Grows on demand, so a quiet channel holds only what it has published.
struct ReplayRing {
    let capacity: Int
    private var frames: [Frame] = []
    /// Index of the oldest frame once the ring is full.
    private var start = 0
    /// The sequence of the newest frame pushed out of the ring (0 if none): a resume from before it has lost
    /// events and cannot be exact.
    private(set) var evictedThrough: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { frames.count }

    mutating func append(_ frame: Frame) {
        guard capacity > 0 else {
            evictedThrough = frame.sequence
            return
        }
        if frames.count < capacity {
            frames.append(frame)
        } else {
            evictedThrough = frames[start].sequence
            frames[start] = frame
            start = (start + 1) % capacity
        }
    }

    /// The frames with a sequence above `sequence`, oldest first.
    func frames(after sequence: UInt64) -> [Frame] {
        var result: [Frame] = []
        // Sequences rise from oldest to newest, so walk back from the newest and stop at the first old one.
        var index = frames.count - 1
        while index >= 0 {
            let frame = frames[(start + index) % frames.count]
            if frame.sequence <= sequence { break }
            result.append(frame)
            index -= 1
        }
        result.reverse()
        return result
    }
}
