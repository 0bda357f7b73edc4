import Synchronization

/// Work handed to a loop from another thread. Data, not closures: the fan-out path queues frames.
enum LoopMessage: Sendable {
    /// Deliver `frame` to this loop's subscribers of the channel with `key`.
    case deliver(Frame, channel: UInt64)
    /// One event published to several channels: a subscriber of more than one of them gets it once.
    case deliverMany(Frame, channels: [UInt64])
    /// Stop accepting, end every stream, and leave the run loop.
    case shutdown
}

/// The only way into a loop from another thread: a locked inbox and an eventfd to wake the loop.
/// Safe from any thread; the loop drains the inbox on its own thread.
final class LoopHandle: Sendable {
    let index: Int
    let wakeup: Wakeup
    private let inbox = Mutex<[LoopMessage]>([])
    /// True while a wake-up is written and not yet consumed, so a burst of publishes costs one eventfd write.
    private let wakeupPending = Atomic<Bool>(false)

    init(index: Int) throws(SystemError) {
        self.index = index
        self.wakeup = try Wakeup()
    }

    /// Queues `message`. Returns true when the caller must call `signal()` (after releasing its own locks).
    func enqueue(_ message: LoopMessage) -> Bool {
        inbox.withLock { $0.append(message) }
        return !wakeupPending.exchange(true, ordering: .acquiringAndReleasing)
    }

    func signal() {
        wakeup.signal()
    }

    func send(_ message: LoopMessage) {
        if enqueue(message) { signal() }
    }

    /// On the loop thread: swaps the inbox with `batch` (empty, capacity kept) so the lock is held for a swap only.
    func takeMessages(into batch: inout [LoopMessage]) {
        wakeup.drain()
        // Clear the flag before taking the inbox: a message queued after the swap then signals again.
        wakeupPending.store(false, ordering: .sequentiallyConsistent)
        inbox.withLock { swap(&$0, &batch) }
    }
}
