import Glibc
import SSEHub
import Testing

/// Found by the chaos soak after the fixes of findings 1-4 (a duplicate in the 10-minute
/// soak: a subscriber resumed, from the first id of the group's new epoch, on the hub that had not
/// re-subscribed yet, and got that event again). A resume from an id above the hub's position gets a `reset`
/// at the position (or an empty history fetch), and then the hub's own back-fill after its re-subscription
/// delivers what it missed to every live stream, this one included, though its `Last-Event-ID` says it had
/// those events: a page that re-fetched on the `reset` applies them twice. Seen here: reset, 2, 3, 4. Now such a
/// stream skips live events up to its resume id.
@Suite(.serialized) struct ResumeBeforeBackfillTests {
    @Test func aResumeOnAHubStillCutOffGetsNothingItAlreadyHad() throws {
        try resumeBeforeBackfill(newEpoch: false)
    }

    /// The same when the group's epoch moved on meanwhile (the publishing hub reconnected and raised it): the
    /// resume id is of an epoch the cut-off hub has not heard yet (soak, 41 duplicates after findings 5-7).
    @Test func aResumeFromANewerEpochOnAHubStillCutOffGetsNothingItAlreadyHad() throws {
        try resumeBeforeBackfill(newEpoch: true)
    }

    private func resumeBeforeBackfill(newEpoch: Bool) throws {
        let redis = try RedisServer()
        let arguments = ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"]
        let a = try HubProcess(arguments: arguments)
        let b = try HubProcess(arguments: arguments)
        for hub in [a, b] {
            try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        }
        // B keeps a listener on the channel, so it is subscribed in Redis and back-fills after a gap.
        let listener = try SSEClient(port: b.port, path: "/events/had")
        try listener.readHead()
        let subscribed = { redis.hasOneSubscriber(of: "had") }
        try eventually("hub B subscribed to the channel in Redis") { subscribed() }
        #expect(try TestHTTP.postForm(a.port, "channel=had&data=1").status == 200)
        try listener.waitForEvents(1)
        kill(b.pid, SIGSTOP)
        try redis.killSubscribedConnection()
        try eventually("nobody subscribed to the channel") { !subscribed() }
        if newEpoch {
            // Every connection but the frozen hub's dropped too: A redials and raises the group's epoch.
            _ = try redis.command("CLIENT KILL TYPE normal")
            try eventually("hub A back in the group") { (try? TestHTTP.get(a.port, "/health/ready"))?.status == 200 }
        }
        var last: EventID?
        for index in 2...3 {
            last = try FrozenPublishTests.answeredID(TestHTTP.postForm(a.port, "channel=had&data=\(index)"))
        }
        let had = try #require(last)
        // Sent while B is frozen, read as soon as it thaws: before B has redialled and back-filled.
        let resumed = try SSEClient(
            port: b.port, path: "/events/had", headers: [("Last-Event-ID", had.description)])
        kill(b.pid, SIGCONT)
        try resumed.readHead()
        try eventually("hub B subscribed again") { subscribed() }
        try listener.waitForEvents(3)
        #expect(try TestHTTP.postForm(a.port, "channel=had&data=4").status == 200)
        try? resumed.waitForEvents(4, timeout: 3)
        let received = resumed.events.map { $0.event == "reset" ? "reset" : $0.data }
        #expect(!received.contains("2") && !received.contains("3"), "resumed from \(had): \(received)")
        #expect(received.last == "4", "what followed arrives: \(received)")
    }
}
