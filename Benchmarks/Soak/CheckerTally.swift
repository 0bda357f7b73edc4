extension Checker {
    /// What the checker counted over one worker's subscribers; the driver adds the workers' up (`line`, then
    /// `Summary.add`). Owned by the worker thread that checks.
    struct Tally {
        var subscribers = 0
        var sessions = 0
        var receipts = 0
        var due = 0
        var lost = 0
        /// Of `lost`: answered inside an outage window (a fault until both hubs are ready again, plus 2 s).
        var lostInOutage = 0
        var excused = 0
        var duplicates = 0
        /// Of `duplicates`: received under two ids (one publish run both by Redis and by a hub alone).
        var duplicatesUnderTwoIDs = 0
        /// Of `duplicates` and `reordered`: on a connection that resumed from a hub's own (outage) id.
        var duplicatesFromOutageID = 0
        var reordered = 0
        var reorderedFromOutageID = 0
        var idMismatches = 0
        var unexpected = 0
        var resets = 0
        var justified = 0
        var unjustified = 0
        /// Resets by kind (`ResetKind`) and verdict.
        var justifiedBy: [ResetKind: Int] = [:]
        var unjustifiedBy: [ResetKind: Int] = [:]
        /// Tokens received under an id other than their publish's answer: publishes that ran in Redis after their
        /// hub had given up on them. The driver compares how many distinct ones with the hubs' `lateAnswers`.
        var ranTwice: Set<Int> = []
        var examples: [String] = []

        var line: String {
            "result subscribers=\(subscribers) sessions=\(sessions) receipts=\(receipts) due=\(due) lost=\(lost)"
                + " lostInOutage=\(lostInOutage) excused=\(excused) duplicates=\(duplicates)"
                + " duplicatesUnderTwoIDs=\(duplicatesUnderTwoIDs) duplicatesFromOutageID=\(duplicatesFromOutageID)"
                + " reordered=\(reordered) reorderedFromOutageID=\(reorderedFromOutageID)"
                + " idMismatches=\(idMismatches) unexpected=\(unexpected) resets=\(resets) justified=\(justified)"
                + " unjustified=\(unjustified)"
                + ResetKind.allCases.map {
                    " justified-\($0)=\(justifiedBy[$0] ?? 0) unjustified-\($0)=\(unjustifiedBy[$0] ?? 0)"
                }.joined()
        }

        mutating func example(_ kind: String, _ text: @autoclosure () -> String) {
            if examples.count(where: { $0.hasPrefix(kind + " ") }) < 4 { examples.append(kind + " " + text()) }
        }
    }
}
