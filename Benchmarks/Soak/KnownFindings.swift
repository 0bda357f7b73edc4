/// What the soak found when it was written, why, and how each was fixed, with the tests that keep it fixed:
/// the report ends with it, so a reader of SOAK.md knows what the counters above were once not zero for.
/// Text only.
enum KnownFindings {
    static let text: [String] = [
        "## Findings of the first soak, and their fixes", "",
        "The first 10-minute soak (commit c2306c0) found four hub defects. Then a hub cut off from Redis gave its own "
            + "events ids of its boot epoch, and Redis's ids sorted above every one of them, so a replay ring holding "
            + "both was not in id order.", "",
        "1. **A resume from an outage id replayed the ring** (duplicates, reorders): every Redis-id frame sorted "
            + "\"after\" the client's id. 2. **A resume from a Redis id skipped what preceded an outage event in the "
            + "ring** (silent loss): the ring walk stopped at the hub's own frame. Fixed (078b5b7, 040d449) by an id "
            + "scheme in which ids keep rising on every stream: a cut-off hub takes the epoch `position.epoch + 1 + "
            + "spread` (spread fixed per hub, below 100), and every reconnection raises the group's epoch to a "
            + "wall-clock millisecond above it before the hub is ready; an epoch a hub never saw gets a `reset`. "
            + "Tests: `OutageResumeTests` (`aResumeFromAnotherHubsOutageIDReplaysNothingItAlreadyHad`, "
            + "`aResumeFromARedisIDBringsWhatPrecedesAnOutageEventInTheRing`, "
            + "`aTwoChannelResumeFromAnEpochSeenOnTheOtherChannelIsExact`). Soak: `duplicated`, `reordered` and their "
            + "\"on a resume from an outage id\" shares are 0.",
        "3. **A publish the hub gave up on still ran in Redis: one event, two ids.** The script sat in a frozen "
            + "Redis's socket buffer and ran when it thawed. Fixed (fcd6333): a publish carries a deadline in Redis's "
            + "clock (`--redis-publish-timeout`, default 1 s) and the script refuses to run past it; the hub gives up "
            + "only once Redis is certainly past it, and a failed connection lingers to read late answers. The "
            + "residual, a Redis stopped between running a script and answering, is counted (`lateAnswers`). Tests: "
            + "`FrozenPublishTests`. Soak: publishes run twice are at most the hubs' `lateAnswers`.",
        "4. **Events relayed while a hub was not subscribed were lost to it without a `reset`.** Redis's pub/sub "
            + "keeps nothing for a connection not subscribed at that moment. Fixed (459ec00): after every "
            + "re-subscription the hub back-fills from the channels' streams (`backfilled`), or sends a live `reset` "
            + "naming the channels when a stream cannot prove it holds everything (`gapResets`), or when those "
            + "events' ids lie below ids the hub gave its own streams meanwhile (`behindPosition`). Tests: "
            + "`SubscriptionGapTests`. Soak: a loss is excused only by a `reset` the subscriber received.",
        "",
        "## Found after those fixes, and fixed", "",
        "5. **A publish given up on while the connections stay up leaves the hub above the group's epoch.** A freeze "
            + "longer than the publish timeout (1 s) but shorter than the liveness timeout (3 s), or one slow answer, "
            + "makes the hub deliver a publish under a local epoch above its position; with no reconnection nothing "
            + "raises the group's epoch, so every relayed event after it lies below the hub's position and is "
            + "dropped on every channel (`behindPosition`), with no `reset`, until the next reconnection. Most of "
            + "the soak's losses. Fixed: a given-up publish makes the bridge raise the group's epoch again (unready "
            + "until then), and a relayed event dropped below the position gives its channels' streams a `reset`. "
            + "Test: `ShortFreezeTests`.",
        "6. **A history fetch trusts a stream that proves nothing.** A resume the ring cannot serve is fetched from "
            + "Redis, and a stream with fewer entries than its cap counts as complete: after a Redis restart (every "
            + "stream new and short) the events between the client's id and the restart are skipped silently, and "
            + "a resume from an id above everything in the stream (another hub's local epoch) is \"exact\" with "
            + "nothing, so the hub's lower ids follow it (the soak's reorders). Fixed: a history proves a resume only "
            + "from an id of an epoch Redis issued ids under (the group's `epochs` set) and a stream never trimmed "
            + "or still reaching back to it; otherwise a `reset`. Test: `RestartedStreamTests`.",
        "7. **A resume on a hub still cut off gets, after its `reset`, what its `Last-Event-ID` says it had.** The "
            + "hub's back-fill after its re-subscription goes to every live stream. Fixed: a stream that resumed from "
            + "an id above its hub's position (in the group's current epoch) skips live events up to it. Test: "
            + "`ResumeBeforeBackfillTests`. The 10-minute run after that fix still saw 41 such duplicates on resumes "
            + "from a group epoch raised meanwhile; the skip now covers a newer group epoch too (not a neighbouring "
            + "one, which is another hub's own).",
        "8. **After a Redis restart, a back-fill that could not prove its gap dropped what the new stream held.** "
            + "The hub reset its streams at its position and never delivered the events the group had published "
            + "in the new Redis before it re-subscribed, though their ids lay above the reset (2,949 losses in "
            + "outage windows). Fixed: the reset goes first, then what the stream holds. Test: "
            + "`SubscriptionGapTests.afterARestartLostRedisDataTheEventsItsNewStreamHoldsFollowTheReset`.",
        "9. **A resume on a cut-off hub from the group's newer epoch skipped the hub's own new events, and a gap "
            + "reset re-opened what it had.** The hub's outage ids sorted below the resume id, so the stream took "
            + "them for events it already had (46 losses in outage windows); and a gap `reset`, a frame without an "
            + "id, ended the skip, so the back-fill re-sent what the browser had (195 duplicates). Fixed: the hub's "
            + "own ids rise above every id a stream resumed from, and only a newer event ends the skip. Tests: "
            + "`ResumeAboveThePositionTests`.",
        "10. **A second resume from that newer epoch was told it came from another hub's outage.** Once the cut-off "
            + "hub's own ids had risen above the first resume id, a resume from the same epoch lay below the position "
            + "in an epoch the hub had never delivered, so it got a `reset` (5 unjustified in the run after finding "
            + "9's fix) where the resume was exact. Fixed: an epoch a stream resumed from counts as seen. Test: "
            + "`ResumeAboveThePositionTests.aLaterResumeFromThatEpochBelowTheHubsOwnIDsIsExact`.",
        "11. **The checker took a hub's own epoch for the group's** (not a hub defect). It told the group's epochs "
            + "from a hub's own by their spacing in the publishers' answers alone: a group epoch no answer carried "
            + "left the cut-off hub's epoch 18 above it looking like a new group epoch, so that hub's own events "
            + "counted as due to the other hub's subscribers (7 \"lost\"), and hub 0's boot epoch (its warm-up "
            + "publish before Redis ran, not recorded) looked like the group's, so a resume from it on the other hub "
            + "was judged an unjustified `reset`. Fixed in the soak: a watcher reads Redis's `epochs` set four times a "
            + "second (`EpochWatcher`) and the warm-up's epoch is recorded as hub 0's.",
        "12. **A resume from a cut-off hub's own id at a gap was exact.** A hub cut off for a moment gave one event an "
            + "id of its own, then heard a group event published meanwhile, below that id: it dropped it and gave "
            + "its live streams a `reset` at its position, but a browser away just then came back with exactly that "
            + "id and was resumed from the ring as if it had missed nothing (5 losses in the run after finding 11's "
            + "fix). Fixed: a gap reported while the hub gives ids of its own takes the next one for its `reset`, so "
            + "a resume from before it is reset and one from the `reset` is exact. Test: `GapCoverageTests`.",
    ]
}
