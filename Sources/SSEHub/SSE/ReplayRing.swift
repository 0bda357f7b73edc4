/// The last `capacity` events of one channel, oldest first, for resuming with `Last-Event-ID`.
/// Guarded by its channel's lock. Grows on demand, so a quiet channel holds only what it has published.
struct ReplayRing {
    let capacity: Int
    private var frames: [Frame] = []
    /// Index of the oldest frame once the ring is full.
    private var start = 0
    /// The id of the newest frame pushed out of the ring: a resume from before it has lost events and cannot
    /// be exact.
    private(set) var evictedThrough: EventID?

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { frames.count }

    mutating func append(_ frame: Frame) {
        guard capacity > 0 else {
            evictedThrough = frame.id
            return
        }
        if frames.count < capacity {
            frames.append(frame)
        } else {
            evictedThrough = frames[start].id
            frames[start] = frame
            start = (start + 1) % capacity
        }
    }

    /// The frames with an id above `id`, oldest first.
    func frames(after id: EventID) -> [Frame] {
        var result: [Frame] = []
        // Sequences rise from oldest to newest, so walk back from the newest and stop at the first old one.
        var index = frames.count - 1
        while index >= 0 {
            let frame = frames[(start + index) % frames.count]
            if let frameID = frame.id, frameID <= id { break }
            result.append(frame)
            index -= 1
        }
        result.reverse()
        return result
    }
}
