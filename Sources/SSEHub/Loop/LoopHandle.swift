import Synchronization

/// Work handed to a loop from another thread. Data, not closures: the fan-out path queues frames.
enum LoopMessage: Sendable {
    /// Deliver `frame` to this loop's subscribers of the channel with `key`.
    case deliver(Frame, channel: UInt64)
    /// One event published to several channels: a subscriber of more than one of them gets it once.
    case deliverMany(Frame, channels: [UInt64])
    /// A deferred answer for the connection with this descriptor and generation, to its `ticket`-th deferred
    /// request.
    case respond(fd: Int32, generation: UInt32, ticket: UInt64, answer: DeferredAnswer)
    /// History a relay fetched for a resuming stream (nil: it does not reach back far enough).
    case history(fd: Int32, generation: UInt32, channel: String, events: [RelayedEvent]?)
    /// Run code on the loop (setting up a client that lives there). Not for the fan-out path.
    case task(@Sendable (LoopContext) -> Void)
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
    /// Messages the loop queued to itself (a publish handled on this loop): drained before the loop next
    /// sleeps, with no eventfd round trip.
    private let queuedBySelf = Atomic<Bool>(false)

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

    /// On the loop's own thread: queues `message` without waking anyone; the loop drains it before sleeping.
    /// Going through the inbox (not delivering at once) keeps order with messages other threads queued first.
    func enqueueFromOwnThread(_ message: LoopMessage) {
        inbox.withLock { $0.append(message) }
        queuedBySelf.store(true, ordering: .relaxed)
    }

    /// On the loop thread: whether it queued messages to itself since the last drain.
    var hasMessagesFromOwnThread: Bool {
        queuedBySelf.load(ordering: .relaxed)
    }

    func send(_ message: LoopMessage) {
        if enqueue(message) { signal() }
    }

    /// On the loop thread: swaps the inbox with `batch` (empty, capacity kept) so the lock is held for a swap only.
    ///
    /// The eventfd is edge-triggered, so a wake-up needs no read. `resettingCounter` reads it (the tick does,
    /// far from its 2^64 limit) and must go with taking the inbox: a read on its own could consume a wake-up
    /// still on epoll's ready list, and epoll drops a ready fd whose counter it then finds at 0.
    func takeMessages(into batch: inout [LoopMessage], resettingCounter: Bool = false) {
        if resettingCounter { wakeup.drain() }
        // Clear the flag before taking the inbox: a message queued after the swap then signals again.
        wakeupPending.store(false, ordering: .sequentiallyConsistent)
        queuedBySelf.store(false, ordering: .relaxed)
        inbox.withLock { swap(&$0, &batch) }
    }
}
