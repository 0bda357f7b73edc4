import Broadcast
import Synchronization
import Testing

/// Issue 8 item 14: a `.deferred` answer (a relayed publish, an application's worker) has a deadline, the head
/// timeout: past it the client gets a 503 with a JSON error, a late answer is dropped, pipelined answers stay in
/// order, and HEAD never gets a body. Before, the idle check closed such a connection silently.
@Suite struct DeferredAnswerTests {
    /// Keeps the `respond` functions deferred routes were given, so a test decides when (and if) they answer.
    final class Responders: Sendable {
        private let stored = Mutex<[@Sendable (HTTPResponse) -> Void]>([])

        func add(_ respond: @escaping @Sendable (HTTPResponse) -> Void) { stored.withLock { $0.append(respond) } }
        var count: Int { stored.withLock { $0.count } }
        func answer(_ index: Int, _ text: String) {
            let respond = stored.withLock { $0[index] }
            respond(.text(.ok, text))
        }
    }

    static func routes(_ responders: Responders) -> (inout RouterBuilder) -> Void {
        { router in
            router.add("POST", "/held") { _, _ in .deferred { respond in responders.add(respond) } }
            router.add("GET", "/soon") { _, _ in .deferred { respond in respond(.text(.ok, "deferred body\n")) } }
        }
    }

    @Test func anAnswerThatNeverComesIs503AndThePipelinedNextAnswerFollows() throws {
        let responders = Responders()
        // The idle timeout is the shorter one: it must not close a connection that waits for its answer.
        try withHub(
            {
                $0.headTimeout = .milliseconds(500)
                $0.idleTimeout = .milliseconds(200)
            }, routes: Self.routes(responders)
        ) { hub in
            let socket = try TestSocket(port: hub.port)
            let started = TestClock.now()
            socket.send(
                "POST /held HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\nGET /health/ping HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            let timedOut = try socket.readResponse(timeout: 5)
            #expect(timedOut.status == 503)
            #expect(timedOut.header("Content-Type") == "application/json")
            #expect(try JSONParser.parse(timedOut.body)["error"]?.stringValue?.contains("head timeout") == true)
            #expect(TestClock.now() - started >= 0.5)
            #expect(try socket.readResponse(timeout: 5).text == "pong\n", "the pipelined request is answered next")
        }
    }

    @Test func aLateAnswerIsDroppedAndDoesNotAnswerTheNextDeferredRequest() throws {
        let responders = Responders()
        try withHub({ $0.headTimeout = .milliseconds(300) }, routes: Self.routes(responders)) { hub in
            let socket = try TestSocket(port: hub.port)
            #expect(try socket.exchange("POST", "/held").status == 503)
            socket.send("POST /held HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            try eventually("the second deferred request to start") { responders.count == 2 }
            responders.answer(0, "late\n")
            responders.answer(1, "second\n")
            let answer = try socket.readResponse(timeout: 5)
            #expect(answer.status == 200)
            #expect(answer.text == "second\n", "the first request's late answer went to the second")
            #expect(!socket.readSome(timeout: 0.2), "nothing else is sent")
        }
    }

    @Test func headOnTheDeferredPathGetsTheHeadOnly() throws {
        try withHub(routes: Self.routes(Responders())) { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send("HEAD /soon HTTP/1.1\r\nHost: t\r\n\r\nGET /health/ping HTTP/1.1\r\nHost: t\r\n\r\n")
            try socket.read(until: "both answers") { String(decoding: $0, as: UTF8.self).contains("pong\n") }
            let text = String(decoding: socket.buffer, as: UTF8.self)
            guard !text.contains("deferred body") else {
                Issue.record("HEAD got a body: \(text)")
                return
            }
            let head = try socket.readResponse(bodyless: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "14")
            #expect(try socket.readResponse().text == "pong\n")
        }
    }

    /// The issue's case: a publish the relay took and never completed.
    @Test func aRelayedPublishThatNeverCompletesIs503() throws {
        try withHub({ $0.headTimeout = .milliseconds(300) }) { hub in
            hub.install(SilentRelay())
            let response = try TestHTTP.postForm(hub.port, "channel=news&data=x")
            #expect(response.status == 503)
            #expect(try JSONParser.parse(response.body)["error"] != nil)
        }
    }
}

/// A relay that takes every event and never answers (a broker that went silent mid-publish).
final class SilentRelay: PublishRelay {
    func relay(
        channels: [String], event: String?, data: [UInt8], key: String?,
        completion: @escaping @Sendable (EventID?) -> Void
    ) -> Bool { true }
    func interestChanged(channel: String, interested: Bool) {}
    func history(
        channel: String, after id: EventID, limit: Int, completion: @escaping @Sendable ([RelayedEvent]?) -> Void
    ) -> Bool { false }
    var isReady: Bool { true }
    var health: [(String, JSONValue)] { [] }
}
