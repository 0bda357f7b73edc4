import SSEHub

/// The publishes sent to Redis and not yet answered, oldest first, each with the time by which Redis is
/// certainly past its deadline. The publish script refuses to run past its deadline, so an unanswered publish
/// whose time has come can never take effect in Redis: only then is it given up (its completion gets nil and
/// the hub delivers it locally). Giving up any earlier left the script in Redis's socket buffer to run when a
/// frozen Redis thawed: one event, two ids (soak finding 3). One timer sweeps them all; answers come in send
/// order on one connection, so the oldest is always at the front. Loop-thread only.
final class PublishGuards {
    final class Entry {
        let certainlyPast: UInt64
        fileprivate var completion: (@Sendable (EventID?) -> Void)?
        /// Neither answered nor given up on yet.
        var isPending: Bool { completion != nil }
        init(certainlyPast: UInt64, completion: @escaping @Sendable (EventID?) -> Void) {
            self.certainlyPast = certainlyPast
            self.completion = completion
        }
    }

    private var entries: [Entry] = []
    private var head = 0
    private var sweep: LoopTimer?
    private let loop: LoopContext
    /// Called with the id of a publish that Redis answered after this hub had given up on it: it ran in Redis
    /// before its deadline, but the answer came too late (Redis stopped between running it and answering).
    var onLateAnswer: (EventID) -> Void = { _ in }
    /// Called for each publish given up on.
    var onGivenUp: () -> Void = {}

    init(loop: LoopContext) { self.loop = loop }

    /// Until when the publisher connection must stay open and read, or an answer Redis sends in time would be
    /// lost: the newest unanswered publish's time (answers come in order, so it is the last one).
    var lastCertainlyPast: UInt64 { head < entries.count ? entries[entries.count - 1].certainlyPast : 0 }

    func add(certainlyPast: UInt64, completion: @escaping @Sendable (EventID?) -> Void) -> Entry {
        let entry = Entry(certainlyPast: certainlyPast, completion: completion)
        entries.append(entry)
        if sweep == nil { scheduleSweep() }
        return entry
    }

    /// Redis answered `entry` (an id, an error, or nil when the connection closed).
    func answered(_ entry: Entry, id: EventID?) {
        if let completion = entry.completion {
            entry.completion = nil
            completion(id)
        } else if let id {
            onLateAnswer(id)
        }
        dropAnswered()
    }

    private func dropAnswered() {
        while head < entries.count, entries[head].completion == nil { head += 1 }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    private var now: UInt64 { MonotonicClock.now() }

    private func scheduleSweep() {
        guard head < entries.count else {
            sweep = nil
            return
        }
        let wait = entries[head].certainlyPast.subtractingReportingOverflow(now)
        let delay = wait.overflow ? Duration.zero : Duration.nanoseconds(Int64(wait.partialValue))
        sweep = loop.schedule(after: delay) { [weak self] in self?.sweepDue() }
    }

    private func sweepDue() {
        let now = self.now
        while head < entries.count, entries[head].certainlyPast <= now {
            let entry = entries[head]
            if let completion = entry.completion {
                entry.completion = nil
                onGivenUp()
                completion(nil)
            }
            // The answer callback still holds the entry, to report a late answer.
            head += 1
        }
        dropAnswered()
        scheduleSweep()
    }
}
