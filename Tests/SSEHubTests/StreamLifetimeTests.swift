import Broadcast
import Glibc
import Testing

/// `--max-stream-seconds`: a stream past its lifetime (less a random part of the jitter) gets a `retry:` hint and
/// ends cleanly, and the browser's reconnect with `Last-Event-ID` loses nothing.
@Suite struct StreamLifetimeTests {
    @Test func streamsEndWithinTheirJitteredLifetimeAndResumeWithoutLoss() throws {
        let hub = try HubProcess(arguments: [
            "--max-stream-seconds", "2", "--max-stream-jitter", "1", "--retry", "1234",
        ])
        var clients: [SSEClient] = []
        var opened: [Double] = []
        for _ in 0..<8 {
            let client = try SSEClient(port: hub.port, path: "/events/life")
            try client.readHead()
            opened.append(TestClock.now())
            clients.append(client)
        }
        for index in 0..<3 { _ = try TestHTTP.postForm(hub.port, "channel=life&data=before-\(index)") }
        for client in clients { try client.waitForEvents(3) }

        let closed = try Self.awaitEnds(of: clients, timeout: 6)
        let lifetimes = zip(closed, opened).map { $0 - $1 }
        // [maximum - jitter, maximum] on the hub's clock, plus the tick's quarter of the jitter and slack.
        #expect(lifetimes.allSatisfy { $0 >= 0.95 && $0 < 2.0 + 0.25 + 1.0 }, "\(lifetimes)")
        #expect(Set(lifetimes.map { ($0 * 10).rounded() }).count > 1, "every stream ended at once: \(lifetimes)")
        for client in clients {
            #expect(!client.socket.wasReset)
            let text = String(decoding: client.received, as: UTF8.self)
            #expect(text.hasSuffix("\n\nretry: 1234\n\n"), "\(text.debugDescription)")
            #expect(client.events.map(\.data) == ["before-0", "before-1", "before-2"])
        }

        // Published while the browser waits its retry: the reconnect with Last-Event-ID gets exactly these.
        for index in 0..<2 { _ = try TestHTTP.postForm(hub.port, "channel=life&data=between-\(index)") }
        let lastID = try #require(clients[0].lastEventID)
        let again = try SSEClient(port: hub.port, path: "/events/life", headers: [("Last-Event-ID", lastID)])
        #expect(try again.readHead() == 200)
        try again.waitForEvents(2)
        #expect(again.events.map(\.data) == ["between-0", "between-1"])
    }

    /// The jitter's edge: none, so the lifetime is exact (to the tick).
    @Test func noJitterEndsAStreamAtItsLifetime() throws {
        let hub = try HubProcess(arguments: ["--max-stream-seconds", "1", "--max-stream-jitter", "0"])
        let client = try SSEClient(port: hub.port, path: "/events/exact")
        try client.readHead()
        let opened = TestClock.now()
        let closed = try Self.awaitEnds(of: [client], timeout: 5)
        #expect(closed[0] - opened >= 0.95 && closed[0] - opened < 1.0 + 0.25 + 1.0, "\(closed[0] - opened)")
        #expect(client.retry == 3000)
    }

    /// When each stream's end arrives, waiting on all sockets at once so one late stream does not delay the
    /// others' times.
    static func awaitEnds(of clients: [SSEClient], timeout: Double) throws -> [Double] {
        var ends = [Double?](repeating: nil, count: clients.count)
        let deadline = TestClock.now() + timeout
        while ends.contains(where: { $0 == nil }) {
            let left = deadline - TestClock.now()
            guard left > 0 else { throw TestTimeout(what: "\(ends.filter { $0 == nil }.count) streams to end") }
            let open = ends.indices.filter { ends[$0] == nil }
            var polls = open.map { pollfd(fd: clients[$0].socket.fd, events: Int16(POLLIN), revents: 0) }
            guard poll(&polls, nfds_t(polls.count), Int32(left * 1000) + 1) > 0 else { continue }
            for (slot, index) in open.enumerated() where polls[slot].revents != 0 {
                if clients[index].readToEnd(timeout: 0) { ends[index] = TestClock.now() }
            }
        }
        return ends.map { $0! }
    }
}
