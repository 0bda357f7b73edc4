/// What the soak found when it was written, with causes and reproductions: the report names them, and its
/// counters say how many of each finding's symptoms every run sees. Text only.
enum KnownFindings {
    static let text: [String] = [
        "## Known findings (hub defects; the counters above say how often each showed)", "",
        "During a Redis outage a hub gives events its own ids (`<boot epoch>-<place>`), and Redis's ids (epoch taken at "
            + "the group's first publish, newer again after a restart) sort above every one of them. A replay ring that "
            + "holds both is not in id order, yet `ReplayRing.frames(after:)` walks back from the newest frame and stops at "
            + "the first id not above the client's, and `ResumePoint.check` knows an id as unknown only when it is above "
            + "the hub's position.", "",
        "1. **Resume from an outage id replays the ring** (duplicates, reorders). A client whose last event was an "
            + "outage event (of either hub) resumes: every Redis-id frame in the ring is \"after\" it, so the whole ring "
            + "is sent again. Test: `OutageResumeTests.aResumeFromAnotherHubsOutageIDReplaysNothingItAlreadyHad` (known "
            + "issue). Soak: `duplicatesFromOutageID`, `reorderedFromOutageID`.",
        "2. **Resume from a Redis id skips what precedes an outage event in the ring** (silent loss, no `reset`). The "
            + "walk stops at the hub's own outage frame, which sorts below the client's id, so the Redis-id frames stored "
            + "before it are never sent. Test: `OutageResumeTests.aResumeFromARedisIDBringsWhatPrecedesAnOutageEventInTheRing` "
            + "(known issue). Soak: `lostBeforeOutageEvent`.",
        "3. **A publish the hub gave up on may still run in Redis: one event, two ids.** The hub gives up on a frozen "
            + "Redis and publishes locally (answering with its own id), but the script it sent is still in Redis's socket "
            + "buffer: when Redis thaws it runs it, so the event is also in the channel's stream and, if a hub has "
            + "re-subscribed by then, delivered again with a Redis id (the soak saw the same just after restarts too). "
            + "Reproduce: a hub with `--redis`, `kill -STOP` Redis, `POST /broadcast` (answered with the hub's boot epoch "
            + "after the liveness timeout), `kill -CONT`, then `redis-cli XRANGE ssehub:stream:<channel> - +` lists the "
            + "event. Test: `FrozenPublishTests` (known issue). Soak: `idMismatches`, `duplicatesUnderTwoIDs`.",
        "4. **Events relayed while a hub is not subscribed are lost to it without a `reset`** (design limit, counted as "
            + "\"lost in an outage window\"). After Redis returns, the hub that reconnects first publishes through Redis "
            + "while the other is still redialling or re-subscribing; the other never hears those events, and its ring "
            + "does not know it has a hole, so its live subscribers and resumes there miss them silently. A re-subscribe "
            + "could restart each channel's coverage (so resumes fetch the stream) and back-fill live subscribers from the "
            + "stream.",
    ]
}
