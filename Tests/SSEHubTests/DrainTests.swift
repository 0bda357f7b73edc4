import Broadcast
import Glibc
import Testing

/// SIGTERM on a real `hub` process: readiness first, then the streams end with spread `retry:` values after all
/// they had queued, a publish under way is answered, new connections are refused, and the process exits 0 in
/// its drain window.
@Suite struct DrainTests {
    @Test func sigtermSpreadsTheFinalRetriesAndAnswersAPublishUnderWay() throws {
        let (minimum, maximum) = (2000, 8000)
        let hub = try HubProcess(arguments: [
            "--loops", "2", "--drain-grace-seconds", "1.5", "--drain-seconds", "8",
            "--drain-retry-min", "\(minimum)", "--drain-retry-max", "\(maximum)",
        ])
        var clients: [SSEClient] = []
        for index in 0..<50 {
            let client = try SSEClient(port: hub.port, path: "/events/d\(index % 5)")
            #expect(try client.readHead() == 200)
            clients.append(client)
        }
        for client in clients { try client.waitForComments(0) }
        // A publish under way when the signal comes: its head and half its body are in before it.
        let body = Array(#"{"channels": ["d0", "d1", "d2", "d3", "d4"], "data": "last words"}"#.utf8)
        let inFlight = try TestSocket(port: hub.port)
        inFlight.send(
            "POST /broadcast HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\n\r\n")
        inFlight.send(Array(body[..<20]))
        // An idle keep-alive connection, and one whose stream request is half sent.
        let idle = try TestSocket(port: hub.port)
        #expect(try idle.exchange("GET", "/health/ready").status == 200)
        let late = try TestSocket(port: hub.port)
        late.send("GET /events/late HTTP/1.1\r\nHost: test\r\n")

        kill(hub.pid, SIGTERM)
        let signalled = TestClock.now()
        #expect(hub.waitForOutput("draining"))
        // Readiness is withdrawn while the hub still accepts (this is a new connection) and streams still flow.
        let ready = try TestHTTP.get(hub.port, "/health/ready")
        #expect(ready.status == 503)
        #expect(ready.text.contains("draining"))
        let during = try TestHTTP.postJSON(hub.port, #"{"channels": ["d0", "d1", "d2", "d3", "d4"], "data": "x"}"#)
        #expect(during.status == 200)
        #expect(try JSONParser.parse(during.body)["subscribers"] == .number(50))

        // After the grace: every stream gets what was queued, then one final retry, then a clean end (FIN).
        var retries: [Int] = []
        for client in clients {
            #expect(client.readToEnd(timeout: 8))
            #expect(!client.socket.wasReset)
            #expect(client.events.map(\.data) == ["x"])
            let text = String(decoding: client.received, as: UTF8.self)
            #expect(text.hasPrefix("retry: 3000\n\n"))
            let last = text.split(separator: "\n\n").last.map(String.init) ?? ""
            #expect(last.hasPrefix("retry: "), "stream ended with \(last.debugDescription), not a retry")
            retries.append(client.retry ?? -1)
        }
        #expect(TestClock.now() - signalled >= 1.4, "streams ended before the grace was over")
        #expect(retries.allSatisfy { (minimum...maximum).contains($0) }, "\(retries)")
        // Uniform over the window: 50 draws are far from equal and reach into both outer quarters.
        #expect(Set(retries).count >= 40, "\(retries.sorted())")
        let quarter = (maximum - minimum) / 4
        #expect(retries.min()! < minimum + quarter && retries.max()! > maximum - quarter, "\(retries.sorted())")
        // Accepting has stopped and the listener is closed: a new connection is refused, not queued.
        #expect(hub.waitForOutput("accepting stopped"))
        #expect(throws: (any Error).self) { try TestSocket(port: hub.port) }
        #expect(hub.isRunning, "the hub left before the publish under way was answered")
        // RFC 9112 §9.6: the idle connection is closed, cleanly.
        #expect(idle.waitForClose(timeout: 3))
        #expect(!idle.wasReset)
        // A stream asked for during the drain opens (a 503 would make EventSource give up) and ends at once.
        late.send("\r\n")
        let lateText = try Self.readAll(late)
        #expect(lateText.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(lateText)")
        let lateRetry = lateText.split(separator: "\n\n").last.flatMap { Int($0.dropFirst("retry: ".count)) }
        #expect(lateRetry.map { (minimum...maximum).contains($0) } == true, "\(lateText.debugDescription)")

        // The publish under way is answered, as the connection's last answer.
        inFlight.send(Array(body[20...]))
        let answer = try inFlight.readResponse()
        #expect(answer.status == 200)
        #expect(answer.header("Connection") == "close")
        #expect(try JSONParser.parse(answer.body)["subscribers"] == .number(0))
        #expect(inFlight.waitForClose(timeout: 5))
        // Our end closes too, so the hub's lingering close (RFC 9112 §9.6) ends and with it the drain.
        inFlight.shutdownWrite()
        let exited = hub.waitForExit(timeout: 8)
        #expect(exited?.status == 0)
        #expect((exited?.seconds ?? 99) < 2, "the hub took \(exited?.seconds ?? 99) s to leave once nothing was open")
        #expect(TestClock.now() - signalled < 8)
        #expect(hub.output.contains("drain done"), "\(hub.output)")
    }

    /// Everything `socket` receives until the peer closes it (within 5 s).
    static func readAll(_ socket: TestSocket) throws -> String {
        guard socket.waitForClose(timeout: 5) else { throw TestTimeout(what: "the hub to close the connection") }
        return String(decoding: socket.buffer, as: UTF8.self)
    }

    /// The range's edge: a minimum equal to the maximum sends exactly that value, and no grace ends the streams
    /// at once.
    @Test func aRangeOfOneValueSendsExactlyItWithNoGrace() throws {
        let hub = try HubProcess(arguments: ["--drain-retry-min", "4321", "--drain-retry-max", "4321"])
        var clients: [SSEClient] = []
        for index in 0..<3 {
            let client = try SSEClient(port: hub.port, path: "/events/edge\(index)")
            try client.readHead()
            clients.append(client)
        }
        let stopped = hub.stop(timeout: 5)
        #expect(stopped?.status == 0)
        for client in clients {
            #expect(client.readToEnd(timeout: 1))
            #expect(client.retry == 4321)
        }
    }

    /// A second signal during the grace cuts the drain short: the hub leaves at once, still with status 0.
    @Test func aSecondSignalCutsTheDrainShort() throws {
        let hub = try HubProcess(arguments: ["--drain-grace-seconds", "30", "--drain-seconds", "60"])
        let client = try SSEClient(port: hub.port, path: "/events/cut")
        try client.readHead()
        kill(hub.pid, SIGTERM)
        #expect(hub.waitForOutput("draining"))
        #expect(try TestHTTP.get(hub.port, "/health/ready").status == 503)
        let stopped = hub.stop(signal: SIGINT, timeout: 5)
        #expect(stopped?.status == 0)
        #expect((stopped?.seconds ?? 99) < 5)
        #expect(client.readToEnd(timeout: 1))
        #expect(hub.output.contains("drain cut short"), "\(hub.output)")
    }

    /// A request that never completes does not hold the hub past its drain window.
    @Test func theDrainWindowBoundsARequestThatNeverCompletes() throws {
        let hub = try HubProcess(arguments: ["--drain-seconds", "1.5", "--head-timeout", "60"])
        let stuck = try TestSocket(port: hub.port)
        stuck.send("POST /broadcast HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly a part")
        #expect(try TestHTTP.get(hub.port, "/health/ping").status == 200)
        let stopped = hub.stop(timeout: 10)
        #expect(stopped?.status == 0)
        #expect((stopped?.seconds ?? 99) >= 1.4 && (stopped?.seconds ?? 99) < 4, "\(String(describing: stopped))")
        #expect(stuck.waitForClose(timeout: 1))
        #expect(hub.output.contains("drain timed out"), "\(hub.output)")
    }

    /// Publishes whose bytes were sent just before the signal, some perhaps still in the accept queue or unread in
    /// the same epoll batch as the drain, are all answered: the drain accepts and reads what is already there.
    @Test func publishesSentJustBeforeTheSignalAreAllAnswered() throws {
        let hub = try HubProcess(arguments: ["--loops", "2"])
        let body = "channel=race&data=x"
        var publishers: [TestSocket] = []
        for _ in 0..<20 {
            let publisher = try TestSocket(port: hub.port)
            publisher.send(
                "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            publishers.append(publisher)
        }
        kill(hub.pid, SIGTERM)
        for publisher in publishers {
            #expect(try publisher.readResponse().status == 200)
            publisher.shutdownWrite()
        }
        #expect(hub.waitForExit(timeout: 5)?.status == 0)
    }

    /// A demo request that runs on a worker (a sign-up: Argon2 and SQLite) when the drain has begun is answered
    /// through the deferred path before the hub leaves.
    @Test func aWorkerAnswerUnderWayIsDeliveredBeforeTheHubLeaves() throws {
        let hub = try HubProcess(arguments: ["--drain-seconds", "8"])
        let browser = TestBrowser(port: hub.port)
        let token = try #require(TestBrowser.csrfToken(in: try browser.get("/signup")))
        let body = Array(
            [
                ("csrf_token", token), ("email", "drain@example.com"), ("name", "Drain"),
                ("password", "correct horse battery"),
            ]
            .map { "\(TestBrowser.encoded($0.0))=\(TestBrowser.encoded($0.1))" }.joined(separator: "&").utf8)
        let cookies = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        let signup = try TestSocket(port: hub.port)
        signup.send(
            "POST /signup HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Sec-Fetch-Site: same-origin\r\nCookie: \(cookies)\r\nContent-Length: \(body.count)\r\n\r\n")
        signup.send(Array(body[..<10]))
        kill(hub.pid, SIGTERM)
        #expect(hub.waitForOutput("accepting stopped"))
        signup.send(Array(body[10...]))
        let answer = try signup.readResponse()
        #expect(answer.status == 303, "\(answer.text)")
        #expect(answer.header("Connection") == "close")
        #expect(answer.headers.contains { $0.0.lowercased() == "set-cookie" })
        signup.shutdownWrite()
        #expect(hub.waitForExit(timeout: 8)?.status == 0)
        #expect(hub.output.contains("drain done"), "\(hub.output)")
    }

    /// A publish that must wait for Redis (frozen here) when the drain has begun is still answered: by Redis, or
    /// by the hub itself at `--redis-publish-timeout`, and only then does the hub leave.
    @Test func aRelayedPublishUnderWayIsAnsweredBeforeTheHubLeaves() throws {
        let redis = try RedisServer()
        let hub = try HubProcess(arguments: [
            "--redis", "127.0.0.1:\(redis.port)", "--loops", "1", "--redis-publish-timeout", "1",
            "--drain-seconds", "8", "--log-format", "json",
        ])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        let subscriber = try SSEClient(port: hub.port, path: "/events/relay")
        try subscriber.readHead()
        let body = Array("channel=relay&data=relayed".utf8)
        let publisher = try TestSocket(port: hub.port)
        publisher.send(
            "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: \(body.count)\r\n\r\n")
        publisher.send(Array(body[..<5]))
        redis.freeze()
        defer { redis.resume() }
        kill(hub.pid, SIGTERM)
        #expect(subscriber.readToEnd(timeout: 5))
        #expect(hub.waitForOutput("accepting stopped"))
        // The rest arrives during the drain: the publish goes to the frozen Redis and waits for its answer.
        publisher.send(Array(body[5...]))
        let sent = TestClock.now()
        let answer: TestResponse
        do {
            answer = try publisher.readResponse(timeout: 6)
        } catch {
            Issue.record("\(error); got \(String(decoding: publisher.buffer, as: UTF8.self)); log: \(hub.output)")
            return
        }
        #expect(TestClock.now() - sent >= 0.8, "answered before Redis's deadline: not the relayed path")
        #expect(answer.status == 200)
        #expect(answer.header("Connection") == "close")
        #expect(try JSONParser.parse(answer.body)["id"]?.stringValue != nil)
        publisher.shutdownWrite()
        let exited = hub.waitForExit(timeout: 8)
        #expect(exited?.status == 0)
        #expect(hub.output.contains("drain done"), "\(hub.output)")
        // Redis state changes are log lines too, with the state as a field.
        let lines = try hub.output.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        #expect(lines.contains { $0["source"] == .string("redis publish") && $0["state"] == .string("ready") })
    }
}
