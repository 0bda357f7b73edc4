import Glibc

/// The bytes waiting to be written to one connection: shared frames plus how much of the first is already sent.
/// Owned by its connection, on the connection's loop thread only. Holds no allocation while empty.
struct OutboundQueue {
    /// Sent frames are set to nil at once, so their bytes are freed while the slots wait to be compacted.
    private var frames: [Frame?] = []
    private var head = 0
    /// Bytes of `frames[head]` already written.
    private var offset = 0
    /// Unsent bytes in total: what the high-water mark is compared with.
    private(set) var pendingBytes = 0
    /// Unsent frames with a coalescing key: without any, a keyed delivery has nothing to look for.
    private(set) var keyedCount = 0

    var isEmpty: Bool { pendingBytes == 0 }

    /// Unsent bytes queued behind the frame being written: the backlog that says a reader is slow. One event
    /// larger than the high-water mark is not a backlog; frames piling up behind it are.
    var backlogBytes: Int {
        head < frames.count ? pendingBytes - ((frames[head]?.count ?? 0) - offset) : 0
    }

    mutating func append(_ frame: Frame) {
        guard frame.count > 0 else { return }
        frames.append(frame)
        pendingBytes += frame.count
        if frame.coalesceKey != nil { keyedCount += 1 }
    }

    /// Drops the unsent frame with `key`, if one waits and none of it is written yet, and returns its size (0 if
    /// none): the caller queues the newer frame of that key at the end, so ids on the stream still rise. Only a
    /// subscriber with a backlog has such frames, and live deliveries keep one per key in it.
    mutating func removeUnsent(coalesceKey key: CoalesceKey) -> Int {
        let first = offset == 0 ? head : head + 1
        guard keyedCount > 0, first < frames.count,
            let index = frames[first...].firstIndex(where: { $0!.coalesceKey == key })
        else { return 0 }
        let size = frames[index]!.count
        frames.remove(at: index)
        pendingBytes -= size
        keyedCount -= 1
        return size
    }

    enum FlushResult {
        case drained
        /// The socket buffer is full; wait for `EPOLLOUT`.
        case partial
    }

    /// Writes as much as the socket takes, gathering up to `maxVectors` frames per `writev` (several pending
    /// events leave in one call when a subscriber lags).
    mutating func flush(fd: Int32, vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> FlushResult {
        while pendingBytes > 0 {
            let count = min(frames.count - head, vectors.count)
            for slot in 0..<count {
                // Slots from `head` on hold unsent frames, never nil.
                let storage = frames[head + slot]!.storage
                let skip = slot == 0 ? offset : 0
                vectors[slot] = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: storage.baseAddress! + skip),
                    iov_len: storage.count - skip)
            }
            switch try Socket.writev(fd, UnsafeBufferPointer(rebasing: vectors[0..<count])) {
            case .processed(let written): consume(written)
            case .wouldBlock: return .partial
            }
        }
        // Keep a small array's capacity for the next burst; give a large one back.
        frames.removeAll(keepingCapacity: frames.capacity <= 16)
        head = 0
        return .drained
    }

    /// Drops everything unsent, releasing the frames (used when the connection closes).
    mutating func discard() {
        frames = []
        head = 0
        offset = 0
        pendingBytes = 0
        keyedCount = 0
    }

    private mutating func consume(_ written: Int) {
        var left = written
        pendingBytes -= written
        while left > 0 {
            let available = frames[head]!.count - offset
            if left >= available {
                left -= available
                if frames[head]!.coalesceKey != nil { keyedCount -= 1 }
                frames[head] = nil
                head += 1
                offset = 0
            } else {
                offset += left
                left = 0
            }
        }
        // Sent frames are already released; drop their empty slots from the front once they are most of the
        // array, so a lagging subscriber's array does not grow with everything it ever sent.
        if head > 32 && head * 2 > frames.count {
            frames.removeFirst(head)
            head = 0
        }
    }
}
