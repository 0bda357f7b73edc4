/// Judges each subscriber's log against the publishers' ground truth. The rules (also in SOAK.md):
///
/// - Duplicate: a published event (its unique token) received twice by one subscriber, over all its
///   connections.
/// - Reordered: an event received with an id not above the one received before it, since the subscriber's
///   last `reset`. Ids on every stream keep rising, across outages too (a hub cut off gives ids of an epoch
///   above its position; the group's epoch is raised above those on every reconnection), so one order holds
///   for group and local ids alike; a `reset` names the position to resume from, which may lie below ids
///   another hub gave its own streams.
/// - Due: an event answered between the head of the subscriber's first connection that received anything
///   (plus 1 s; before, it had no id to resume from) and the end of publishing.
///   Group events are due to every subscriber of the channel: a resume on either hub must bring what was
///   missed, and a hub back from an outage back-fills its live streams. Local events (a hub's own id) are
///   due only to a subscriber connected to that hub from before the publish until at least 1 s after its
///   answer: no other hub ever had them.
/// - Lost: a due event never received, unless a `reset` the subscriber received excused it: the event was
///   published before the reset arrived, its id is not above the reset's, and it is above the newest group id
///   the subscriber had received before the reset. Nothing else excuses a loss, outages included.
/// - A reset is justified by its kind (`ResetKind`) and what the run did: a resume from the other hub's own
///   id; an id above the hub's position, or older than ring and stream, with an outage overlapping the gap
///   (or a gap of at least `replay - 5` events); a live gap reset within 10 s after an outage.
struct Checker {
    let truth: Truth
    var byToken: [Int: Published] = [:]
    var byChannel: [Int: [Published]] = [:]

    init(truth: Truth) {
        self.truth = truth
        for event in truth.published {
            byToken[event.token] = event
            byChannel[event.channel, default: []].append(event)
        }
    }

    func check(_ log: SubscriberLog, index: Int, into tally: inout Tally) {
        tally.subscribers += 1
        tally.sessions += log.sessions.count
        tally.receipts += log.receipts.count
        tally.unexpected += log.foreign
        var seen: [Int: SoakID?] = [:]
        var newest: SoakID?
        var nextReset = 0
        for (place, receipt) in log.receipts.enumerated() {
            // A reset names the position to resume from: the order starts again there.
            while nextReset < log.resets.count && log.resets[nextReset].receiptsBefore <= place {
                newest = nil
                nextReset += 1
            }
            guard let event = byToken[receipt.token] else {
                tally.unexpected += 1
                continue
            }
            let fromOutageID = resumedFromOutageID(log.sessions[Int(receipt.session)])
            if let first = seen[receipt.token] {
                tally.duplicates += 1
                if fromOutageID { tally.duplicatesFromOutageID += 1 }
                if first != receipt.id {
                    tally.duplicatesUnderTwoIDs += 1
                    tally.ranTwice.insert(receipt.token)
                }
                tally.example(
                    "duplicate",
                    "sub=\(index) token=\(receipt.token) id=\(receipt.id.map(text) ?? "-") answered=\(event.id.map(text) ?? "-") at=\(receipt.time) \(log.describeSessions(around: receipt.time))"
                )
                continue
            }
            seen[receipt.token] = receipt.id
            if let answered = event.id, answered != receipt.id {
                tally.idMismatches += 1
                tally.ranTwice.insert(receipt.token)
                tally.example(
                    "id-mismatch",
                    "sub=\(index) token=\(receipt.token) received=\(receipt.id.map(text) ?? "-") answered=\(text(answered)) hub=\(event.hub)"
                )
            }
            guard let id = receipt.id else { continue }
            if let newest, id <= newest {
                tally.reordered += 1
                if fromOutageID { tally.reorderedFromOutageID += 1 }
                tally.example(
                    "reordered",
                    "sub=\(index) id=\(text(id)) after \(text(newest)) at=\(receipt.time) \(log.describeSessions(around: receipt.time))"
                )
            }
            newest = max(newest ?? id, id)
        }
        checkLoss(log, index: index, seen: Set(seen.keys), into: &tally)
        checkResets(log, index: index, into: &tally)
    }

    /// Whether the connection resumed from an id a hub gave alone during an outage.
    func resumedFromOutageID(_ session: SubscriberLog.Session) -> Bool {
        session.lastEventID.flatMap { SoakID($0) }.map { truth.ids.isLocal($0) } ?? false
    }

    func text(_ id: SoakID) -> String { "\(id.epoch)-\(id.sequence)" }
}
