import Dispatch
import SSEHub
import Testing

/// Blocking work on the worker pool leaves the loops free: while a handler's job holds its worker, a stream on
/// the same loop keeps getting every event as it is published, and the handler's answer comes when the job
/// ends.
@Suite struct SlowPoolHandlerTests {
    /// A route as an app writes one for slow blocking work (a long SQLite query, a password hash): the job runs
    /// on the pool and answers through the deferred path. Here the job blocks until the test lets it go, so
    /// "slow" lasts exactly as long as the test needs.
    final class SlowReport: Sendable {
        let pool: WorkerPool<Void>
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        init() throws { pool = try WorkerPool<Void>(name: "slow", threads: 1, queueLimit: 4) { _ in () } }

        func register(in router: inout RouterBuilder) {
            router.add("GET", "/report") { [pool, started, release] _, _ in
                .deferred { respond in
                    let queued = pool.submit { _ in
                        started.signal()
                        release.wait()
                        respond(.text(.ok, "report ready"))
                    }
                    if !queued { respond(HTTPError(.serviceUnavailable, "busy").response) }
                }
            }
        }
    }

    @Test func eventsReachAStreamOnTheSameLoopWhileAPoolHandlerIsBusy() throws {
        let report = try SlowReport()
        defer { report.pool.shutdown() }
        // One loop: the stream, the slow request and the publishes share it, so a loop that blocked on the job
        // would stall them all.
        try withHub({ $0.loops = 1 }, routes: { report.register(in: &$0) }) { hub in
            // Whatever happens below, the job ends, so the pool and the hub can shut down.
            defer { report.release.signal() }
            let stream = try SSEClient(port: hub.port, path: "/events/ticks")
            #expect(try stream.readHead() == 200)

            let slow = try TestSocket(port: hub.port)
            slow.send("GET /report HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(report.started.wait(timeout: .now() + 10) == .success, "the job started on the pool")

            // Each event, published over HTTP through the same loop, arrives before the next is sent.
            let count = 20
            for index in 1...count {
                let published = try TestHTTP.postJSON(hub.port, #"{"channel": "ticks", "data": "tick \#(index)"}"#)
                #expect(published.status == 200)
                try stream.waitForEvents(index, timeout: 5)
            }
            #expect(stream.events.map(\.data) == (1...count).map { "tick \($0)" })
            // A new subscriber is accepted and resumes meanwhile, too.
            let late = try SSEClient(
                port: hub.port, path: "/events/ticks", headers: [("Last-Event-ID", stream.events[count - 2].id ?? "")])
            #expect(try late.readHead() == 200)
            try late.waitForEvents(1)
            #expect(late.events.map(\.data) == ["tick \(count)"])

            // The job still holds its worker: the slow request has had no answer yet. Then it ends, and answers.
            #expect(!slow.readSome(timeout: 0) && slow.buffer.isEmpty, "the report answered before its job ended")
            report.release.signal()
            let answer = try slow.readResponse()
            #expect(answer.status == 200 && answer.text == "report ready")
        }
    }
}
