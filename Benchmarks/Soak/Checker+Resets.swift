extension Checker {
    /// Judges every `reset` a subscriber received: justified by what the run did, or not.
    func checkResets(_ log: SubscriberLog, index: Int, into tally: inout Tally) {
        for reset in log.resets {
            tally.resets += 1
            let session = log.sessions[reset.session]
            if isJustified(reset, session, log.channel) {
                tally.justified += 1
                tally.justifiedBy[reset.kind, default: 0] += 1
            } else {
                tally.unjustified += 1
                tally.unjustifiedBy[reset.kind, default: 0] += 1
                let gap = gapEvents(session, log.channel)
                tally.example(
                    "unjustified-reset",
                    "sub=\(index) ch=c\(log.channel) kind=\(reset.kind) hub\(session.hub) from=\(session.lastEventID ?? "-") reset=\(reset.id.map(text) ?? "-") gap=\(session.gapStart)..\(session.start) events-in-gap=\(gap) at=\(reset.time)"
                )
            }
        }
    }

    private func isJustified(_ reset: SubscriberLog.Reset, _ session: SubscriberLog.Session, _ channel: Int) -> Bool {
        let from = session.lastEventID.flatMap { SoakID($0) }
        // The other hub's own id: the resuming hub cannot know where it stands.
        let othersOwnID = from.map { truth.ids.isLocal($0) && truth.ids.owner(of: $0) != session.hub } ?? false
        let outageInGap = truth.outageOverlaps(session.gapStart - min(session.gapStart, 2000), reset.time)
        switch reset.kind {
        case .otherHubsOutage: return othersOwnID
        // Above the position: the other hub's own id, or this hub was behind (cut off) while the other was not.
        case .unknownID: return from == nil || othersOwnID || outageInGap
        // Ring and stream overflowed, or coverage restarted at a gap reset, or the stream was lost with Redis.
        case .tooOld: return gapEvents(session, channel) >= truth.replay - 5 || outageInGap
        // The hub was cut off: a reconnection's back-fill found what it cannot supply.
        case .gapUnproven, .behindPosition:
            return truth.outageOverlaps(reset.time - min(reset.time, 10_000), reset.time)
        case .other: return false
        }
    }

    /// Events the resuming hub would have stored for the gap: the group's and its own.
    private func gapEvents(_ session: SubscriberLog.Session, _ channel: Int) -> Int {
        (byChannel[channel] ?? []).count { event in
            guard let id = event.id, event.answered > session.gapStart, event.sent < session.start else { return false }
            return !truth.ids.isLocal(id) || truth.ids.owner(of: id) == session.hub
        }
    }
}
