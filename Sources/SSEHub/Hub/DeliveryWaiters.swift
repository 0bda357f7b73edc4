import Synchronization

/// Relayed publishes waiting to be answered until this hub has delivered them ("read your writes"). The broker
/// answers a publish on one connection and pushes the event on another, and a stall between the two (seen with a
/// Redis paused mid-write) let the answer arrive first: a publisher that then published again while this hub was
/// cut off got an id below the first event's, and this hub's streams showed the second event before the first.
/// Answering once the hub's position has reached the id keeps one publisher's events in the order it sent them.
/// Bounded: past `limit` an answer goes out anyway (the push may never come if the subscription just dropped).
final class DeliveryWaiters: Sendable {
    private struct Waiter {
        let id: EventID
        let since: UInt64
        let answer: @Sendable () -> Void
    }

    /// How long an answer may wait for its event's push.
    static let limit: Duration = .seconds(1)
    private let waiting = Mutex<[Waiter]>([])

    /// Queues `answer` until `release(through:)` passes `id`; true when the queue was empty (the caller starts
    /// the sweep that bounds the wait).
    func add(_ id: EventID, now: UInt64, _ answer: @escaping @Sendable () -> Void) -> Bool {
        waiting.withLock { waiters in
            waiters.append(Waiter(id: id, since: now, answer: answer))
            return waiters.count == 1
        }
    }

    var isEmpty: Bool { waiting.withLock { $0.isEmpty } }

    /// Answers every waiter whose event is at or below `id` (the hub's position now).
    func release(through id: EventID) {
        take { $0.id <= id }.forEach { $0.answer() }
    }

    /// Answers the waiters older than `limit`; true while some are left (the sweep comes again).
    func sweep(now: UInt64) -> Bool {
        let limit = Self.limit.nanoseconds
        take { now &- $0.since >= limit }.forEach { $0.answer() }
        return !isEmpty
    }

    private func take(where done: (Waiter) -> Bool) -> [Waiter] {
        waiting.withLock { waiters in
            guard waiters.contains(where: done) else { return [] }
            let taken = waiters.filter(done)
            waiters.removeAll(where: done)
            return taken
        }
    }
}

extension Hub {
    /// Completes `pending` with `id` once this hub has delivered the event (its position has reached `id`), or
    /// at once when it will never hear it (no local subscriber: the relay is not subscribed to its channels).
    func answerOnceDelivered(_ id: EventID, channels: [String], _ pending: PendingPublish) {
        let answer: @Sendable () -> Void = { [weak self] in
            pending.complete(.success(PublishReceipt(id: id, subscribers: self?.localSubscribers(of: channels) ?? 0)))
        }
        let startSweep = table.withLock { table -> Bool? in
            // Under the lock that moves the position, so a delivery cannot slip between the check and the queue.
            guard table.position < id, table.audience(of: channels) > 0 else { return nil }
            return deliveryWaiters.add(id, now: MonotonicClock.now(), answer)
        }
        switch startSweep {
        case nil: answer()
        case true?: scheduleDeliverySweep()
        case false?: break
        }
    }

    private func scheduleDeliverySweep() {
        run(onLoop: 0) { [weak self] context in
            context.schedule(after: DeliveryWaiters.limit) {
                guard let self else { return }
                if self.deliveryWaiters.sweep(now: MonotonicClock.now()) { self.scheduleDeliverySweep() }
            }
        }
    }
}
