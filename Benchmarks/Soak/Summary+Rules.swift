extension Summary {
    /// The checker's rules as the report states them (`Checker` is the code of record).
    static func rules(replay: Int) -> [String] {
        [
            "## What is checked", "",
            "Ground truth is what the publishers logged: each event's unique token (its data), channel, hub and the id "
                + "it was answered with. Each subscriber logs every event and `reset` it receives, over all its connections. "
                + "Which ids are the group's and which a hub's own is read off their epochs: a hub cut off from Redis gives "
                + "ids of an epoch less than 100 above its position, and every reconnection raises the group's epoch to a "
                + "wall-clock millisecond more than 100 above it.",
            "",
            "- **Duplicate**: one token received twice by one subscriber, over all its connections. Tolerated only under "
                + "two ids, for as many publishes as the hubs counted `lateAnswers` (Redis stopped between running a "
                + "publish and answering it, after its hub had given up and delivered it alone).",
            "- **Order**: ids keep rising on every stream, across outages and hubs: each receipt's id must be above the "
                + "one before it, since the subscriber's last `reset` (whose id is the position to resume from).",
            "- **Due**: an event answered after the head of the subscriber's first connection that received anything (plus 1 s) "
                + "and before publishing stopped. A group event is due to every subscriber of its channel: a resume on either "
                + "hub must bring it, and a hub back from an outage back-fills its live streams from the channels' streams. "
                + "A hub's own event (outage) is due only to a subscriber connected to that hub from before its publish "
                + "until 1 s after its answer; the other hub never had it.",
            "- **Lost**: due and never received, unless a `reset` the subscriber received excused it: the event was "
                + "published before the reset arrived, its id is not above the reset's, and it is above the newest group id "
                + "the subscriber had received before the reset. Nothing else excuses a loss, outages included.",
            "- **Reset justified** by its kind: from another hub's outage when the `Last-Event-ID` is the other hub's own id; "
                + "unknown to this hub when it is, or an outage overlapped the gap (the hub was behind); older than ring and "
                + "stream when the gap held at least \(replay - 5) events this hub would have stored (both hold \(replay)) "
                + "or an outage overlapped the gap (the stream was lost with Redis, or coverage restarted at a gap reset); "
                + "a live gap reset (`gapUnproven`, `behindPosition`) within 10 s after an outage.",
            "- The hubs never exit (checked every second) and their RSS stays bounded: from three minutes on, the last "
                + "minute's peak is at most 1.5 times the second minute's plus 16 MiB.",
            "- Malformed messages (bad ids, overflowing numbers, bad UTF-8, too few parts, bad channel lists, CR/NUL in the "
                + "event name, 1 MiB without a newline) must be counted by the hubs and reach no subscriber.",
        ]
    }
}
