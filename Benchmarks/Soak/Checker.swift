/// Judges each subscriber's log against the publishers' ground truth. The rules (also in SOAK.md):
///
/// - Duplicate: a published event (its unique token) received twice by one subscriber, over all its
///   connections.
/// - Reordered: an event received after one that was published after it, in the same order domain. Ids Redis
///   assigned form one group-wide order (a restarted Redis takes a newer epoch); ids a hub assigned alone
///   during an outage form that hub's own order. Across domains there is no single truth, so none is judged.
/// - Due: an event answered between the head of the subscriber's first connection that received anything
///   (plus 1 s; before, it had no id to resume from) and the end of publishing.
///   Relayed events (a Redis id) are due to every subscriber of the channel: a resume on either hub must
///   bring what was missed. Local events (a hub's own id) are due only to a subscriber that was connected to
///   that hub from before the publish until at least 1 s after its answer: no other hub ever had them.
/// - Lost: a due event never received, unless a `reset` excused it (the reset came after the subscriber's
///   last receipt before the gap, and the event is not newer than the reset's id), or it was relayed inside
///   an outage window (from the fault until both hubs are ready, plus 2 s), when a hub may not have been
///   subscribed in Redis: those are counted apart, as outage-window losses, not as a broken promise.
/// - A reset is justified when the gap it answers left what the resuming hub could still hold: the
///   Last-Event-ID is another hub's own id (unknowable here), the gap held at least `replay - 5` events this
///   hub would have stored (ring and stream both overflowed), or an outage overlapped the gap (the stream
///   was lost with Redis, or could not be read). Otherwise it is unjustified.
struct Checker {
    struct Tally {
        var subscribers = 0
        var sessions = 0
        var receipts = 0
        var due = 0
        var lost = 0
        var outageLost = 0
        var excused = 0
        var duplicates = 0
        var reordered = 0
        var idMismatches = 0
        var unexpected = 0
        var resets = 0
        var justified = 0
        /// Justified resets by reason: unknownID, overflow, outage.
        var justifiedBy: [String: Int] = [:]
        var unjustified = 0
        /// Findings with a known cause (SOAK.md, "Findings"): duplicates and reorders in a connection that
        /// resumed from an outage id (1), losses in a resume whose hub stored one of its own outage events
        /// after the lost one (2).
        var duplicatesFromOutageID = 0
        var reorderedFromOutageID = 0
        var lostBeforeOutageEvent = 0
        /// Duplicates received under two ids: one publish delivered both as a hub's own and as Redis's (3).
        var duplicatesUnderTwoIDs = 0
        var examples: [String] = []

        var line: String {
            "result subscribers=\(subscribers) sessions=\(sessions) receipts=\(receipts) due=\(due) lost=\(lost)"
                + " outageLost=\(outageLost) excused=\(excused) duplicates=\(duplicates) reordered=\(reordered)"
                + " idMismatches=\(idMismatches) unexpected=\(unexpected) resets=\(resets) justified=\(justified)"
                + " unjustified=\(unjustified) duplicatesFromOutageID=\(duplicatesFromOutageID)"
                + " reorderedFromOutageID=\(reorderedFromOutageID) lostBeforeOutageEvent=\(lostBeforeOutageEvent)"
                + " duplicatesUnderTwoIDs=\(duplicatesUnderTwoIDs)"
                + justifiedBy.sorted { $0.key < $1.key }.map { " justified-\($0.key)=\($0.value)" }.joined()
        }

        mutating func example(_ kind: String, _ text: @autoclosure () -> String) {
            if examples.count(where: { $0.hasPrefix(kind + " ") }) < 4 { examples.append(kind + " " + text()) }
        }
    }

    let truth: Truth
    private var byToken: [Int: Published] = [:]
    private var byChannel: [Int: [Published]] = [:]

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
        var newestRelayed: SoakID?
        var newestLocal: [UInt64: UInt64] = [:]
        for receipt in log.receipts {
            guard let event = byToken[receipt.token] else {
                tally.unexpected += 1
                continue
            }
            let fromOutageID = resumedFromOutageID(log.sessions[Int(receipt.session)])
            if let first = seen[receipt.token] {
                tally.duplicates += 1
                if fromOutageID { tally.duplicatesFromOutageID += 1 }
                if first != receipt.id { tally.duplicatesUnderTwoIDs += 1 }
                tally.example(
                    "duplicate",
                    "sub=\(index) token=\(receipt.token) id=\(receipt.id.map(text) ?? "-") answered=\(event.id.map(text) ?? "-") at=\(receipt.time) \(log.describeSessions(around: receipt.time))"
                )
                continue
            }
            seen[receipt.token] = receipt.id
            if let answered = event.id, answered != receipt.id {
                tally.idMismatches += 1
                tally.example(
                    "id-mismatch",
                    "sub=\(index) token=\(receipt.token) received=\(receipt.id.map(text) ?? "-") answered=\(text(answered)) hub=\(event.hub)"
                )
            }
            guard let id = receipt.id else { continue }
            if truth.localHub(of: id) != nil {
                if let newest = newestLocal[id.epoch], id.sequence <= newest {
                    tally.reordered += 1
                    if fromOutageID { tally.reorderedFromOutageID += 1 }
                    tally.example("reordered", "sub=\(index) local id=\(text(id)) after seq \(newest)")
                }
                newestLocal[id.epoch] = max(newestLocal[id.epoch] ?? 0, id.sequence)
            } else {
                if let newest = newestRelayed, id <= newest {
                    tally.reordered += 1
                    if fromOutageID { tally.reorderedFromOutageID += 1 }
                    tally.example(
                        "reordered",
                        "sub=\(index) relayed id=\(text(id)) after \(text(newest)) at=\(receipt.time) \(log.describeSessions(around: receipt.time))"
                    )
                }
                newestRelayed = max(newestRelayed ?? id, id)
            }
        }
        checkLoss(log, index: index, seen: Set(seen.keys), into: &tally)
        checkResets(log, index: index, into: &tally)
    }

    private func checkLoss(_ log: SubscriberLog, index: Int, seen: Set<Int>, into tally: inout Tally) {
        // From the first connection that received anything: before it, the subscriber had no id to resume from.
        let first = min(log.receipts.first.map { Int($0.session) } ?? .max, log.resets.first?.session ?? .max)
        guard first < log.sessions.count else { return }
        let firstHead = log.sessions[first].head
        for event in byChannel[log.channel] ?? [] {
            guard let id = event.id, event.sent >= firstHead + 1000, event.answered <= truth.publishStop else {
                continue
            }
            let local = truth.localHub(of: id)
            if let hub = local {
                let connected = log.sessions.contains {
                    $0.hub == hub && $0.head > 0 && $0.head <= event.sent && $0.end >= event.answered + 1000
                }
                guard connected else { continue }
            }
            tally.due += 1
            guard !seen.contains(event.token) else { continue }
            let excused = log.resets.contains { reset in
                let gapStart = log.sessions[reset.session].gapStart
                return event.answered + 2000 >= gapStart && event.sent <= reset.time
                    && reset.id.map { id <= $0 } ?? true
            }
            if excused {
                tally.excused += 1
            } else if local == nil && truth.inOutage(event.answered) {
                tally.outageLost += 1
                tally.example("outage-lost", describe(event, log, index))
            } else {
                tally.lost += 1
                if followedByOutageEvent(event, log) {
                    tally.lostBeforeOutageEvent += 1
                    tally.example("lost-before-outage-event", describe(event, log, index))
                } else {
                    tally.example("lost", describe(event, log, index))
                }
            }
        }
    }

    /// Whether the connection resumed from an id a hub gave during an outage (finding 1).
    private func resumedFromOutageID(_ session: SubscriberLog.Session) -> Bool {
        session.lastEventID.flatMap { SoakID($0) }.map { truth.localHub(of: $0) != nil } ?? false
    }

    /// Whether some resume covering `event` went to a hub that had stored one of its own outage events on the
    /// channel after it (finding 2: the ring walk stops there).
    private func followedByOutageEvent(_ event: Published, _ log: SubscriberLog) -> Bool {
        log.sessions.contains { session in
            guard session.gapStart <= event.answered + 2000, session.start >= event.answered else { return false }
            return (byChannel[log.channel] ?? []).contains { other in
                guard let id = other.id, truth.localHub(of: id) == session.hub else { return false }
                return other.answered > event.answered && other.sent < session.start
            }
        }
    }

    private func checkResets(_ log: SubscriberLog, index: Int, into tally: inout Tally) {
        for reset in log.resets {
            tally.resets += 1
            let session = log.sessions[reset.session]
            if let reason = justification(reset, session, log.channel) {
                tally.justified += 1
                tally.justifiedBy[reason, default: 0] += 1
            } else {
                tally.unjustified += 1
                let gap = gapEvents(session, log.channel)
                tally.example(
                    "unjustified-reset",
                    "sub=\(index) ch=c\(log.channel) hub\(session.hub) from=\(session.lastEventID ?? "-") reset=\(reset.id.map(text) ?? "-") gap=\(session.gapStart)..\(session.start) events-in-gap=\(gap) at=\(reset.time)"
                )
            }
        }
    }

    /// Why the reset was right, or nil when nothing justifies it.
    private func justification(_ reset: SubscriberLog.Reset, _ session: SubscriberLog.Session, _ channel: Int)
        -> String?
    {
        guard let from = session.lastEventID.flatMap({ SoakID($0) }) else { return "unknownID" }
        if let owner = truth.localHub(of: from), owner != session.hub { return "unknownID" }
        if gapEvents(session, channel) >= truth.replay - 5 { return "overflow" }
        return truth.outageOverlaps(session.gapStart - min(session.gapStart, 2000), reset.time) ? "outage" : nil
    }

    /// Events the resuming hub would have stored for the gap: relayed ones and its own.
    private func gapEvents(_ session: SubscriberLog.Session, _ channel: Int) -> Int {
        (byChannel[channel] ?? []).count { event in
            guard let id = event.id, event.answered > session.gapStart, event.sent < session.start else { return false }
            let local = truth.localHub(of: id)
            return local == nil || local == session.hub
        }
    }

    private func describe(_ event: Published, _ log: SubscriberLog, _ index: Int) -> String {
        "sub=\(index) ch=c\(event.channel) token=\(event.token) id=\(event.id.map(text) ?? "-") via-hub\(event.hub) sent=\(event.sent) answered=\(event.answered) \(log.describeSessions(around: event.sent))"
    }

    private func text(_ id: SoakID) -> String { "\(id.epoch)-\(id.sequence)" }
}
