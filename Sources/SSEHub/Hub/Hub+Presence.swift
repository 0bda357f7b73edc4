import Synchronization

/// Who observes presence, and whether a report is being delivered (one at a time, so observers see each
/// channel's counts in the order they changed).
final class PresenceObservers: Sendable {
    let observers = Mutex<[@Sendable (_ channel: String, _ subscribers: Int) -> Void]>([])
    let delivering = Atomic<Bool>(false)
    /// Set once the first observer arrives: until then a change costs one atomic load, no lock.
    let active = Atomic<Bool>(false)
}

extension Hub {
    /// Calls `observer` with a channel and its number of subscribers on this hub (HTTP streams and in-process)
    /// whenever that number changes: for "3 people viewing". Counts reach the observer in the order they
    /// changed; several quick changes of one channel may arrive as their newest count only. The observer runs
    /// on the thread that made the change (a loop, mostly), outside every lock: it must not block, and may
    /// broadcast.
    public func observePresence(_ observer: @escaping @Sendable (_ channel: String, _ subscribers: Int) -> Void) {
        presenceObservers.observers.withLock { $0.append(observer) }
        table.withLock { table in
            if table.presence == nil { table.presence = [:] }
        }
        presenceObservers.active.store(true, ordering: .releasing)
    }

    /// Delivers the counts noted since the last report. Whoever finds a delivery under way leaves its counts
    /// to it: the deliverer looks again after each round, so nothing noted is left behind.
    func reportPresence() {
        let board = presenceObservers
        guard board.active.load(ordering: .acquiring) else { return }
        while board.delivering.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            let changes = table.withLock { table -> [String: Int] in
                defer { if table.presence != nil { table.presence = [:] } }
                return table.presence ?? [:]
            }
            if !changes.isEmpty {
                let observers = board.observers.withLock { $0 }
                for (channel, count) in changes.sorted(by: { $0.key < $1.key }) {
                    for observer in observers { observer(channel, count) }
                }
            }
            board.delivering.store(false, ordering: .releasing)
            guard table.withLock({ !($0.presence?.isEmpty ?? true) }) else { return }
        }
    }
}
