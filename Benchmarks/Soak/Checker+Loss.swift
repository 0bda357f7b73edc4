extension Checker {
    /// Counts the due events a subscriber never received, each either excused by a `reset` it received or
    /// lost.
    func checkLoss(_ log: SubscriberLog, index: Int, seen: Set<Int>, into tally: inout Tally) {
        // From the first connection that received anything: before it, the subscriber had no id to resume from.
        let first = min(log.receipts.first.map { Int($0.session) } ?? .max, log.resets.first?.session ?? .max)
        guard first < log.sessions.count else { return }
        let firstHead = log.sessions[first].head
        let floors = log.resets.map { newestGroupID(in: log.receipts.prefix($0.receiptsBefore)) }
        for event in byChannel[log.channel] ?? [] {
            guard let id = event.id, event.sent >= firstHead + 1000, event.answered <= truth.publishStop else {
                continue
            }
            if truth.ids.isLocal(id) {
                // Only the hub that gave the id has the event; a shared local epoch is too ambiguous to judge.
                guard let hub = truth.ids.owner(of: id) else { continue }
                let connected = log.sessions.contains {
                    $0.hub == hub && $0.head > 0 && $0.head <= event.sent && $0.end >= event.answered + 1000
                }
                guard connected else { continue }
            }
            tally.due += 1
            guard !seen.contains(event.token) else { continue }
            let excused = log.resets.indices.contains { place in
                let reset = log.resets[place]
                return event.sent <= reset.time && reset.id.map { id <= $0 } ?? true
                    && floors[place].map { id > $0 } ?? true
            }
            if excused {
                tally.excused += 1
                continue
            }
            tally.lost += 1
            let inOutage = truth.inOutage(event.answered)
            if inOutage { tally.lostInOutage += 1 }
            tally.example(inOutage ? "lost-in-outage" : "lost", describe(event, log, index))
        }
    }

    /// The newest id Redis assigned among `receipts`: what the subscriber is known to hold of the group's
    /// order (a hub's own ids after it may sort above events that hub never had).
    private func newestGroupID(in receipts: ArraySlice<SubscriberLog.Receipt>) -> SoakID? {
        receipts.lazy.compactMap(\.id).filter { !truth.ids.isLocal($0) }.max()
    }

    func describe(_ event: Published, _ log: SubscriberLog, _ index: Int) -> String {
        "sub=\(index) ch=c\(event.channel) token=\(event.token) id=\(event.id.map(text) ?? "-") via-hub\(event.hub) sent=\(event.sent) answered=\(event.answered) \(log.describeSessions(around: event.sent))"
    }
}
