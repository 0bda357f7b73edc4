import Broadcast
import Glibc
import Testing

/// The drain's steps as an app embedding a hub calls them (the `hub` executable runs the same ones on SIGTERM).
@Suite struct DrainStepsTests {
    @Test func theStepsWithdrawReadinessEndStreamsAndReportWhenNothingIsLeft() throws {
        try withHub({ $0.drainRetryMilliseconds = 700...900 }) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/steps")
            try client.readHead()
            #expect(!hub.isDraining)
            #expect(try MetricsTests.scrape(hub).value("ssehub_draining") == 0)
            hub.beginDrain()
            #expect(hub.isDraining)
            let ready = try TestHTTP.get(hub.port, "/health/ready")
            #expect(ready.status == 503 && ready.text == "not ready: draining\n")
            #expect(try JSONParser.parse(TestHTTP.get(hub.port, "/health").body)["status"] == .string("draining"))
            #expect(try MetricsTests.scrape(hub).value("ssehub_draining") == 1)
            // Still accepting and streaming until the next step.
            #expect(try TestHTTP.postForm(hub.port, "channel=steps&data=still").status == 200)
            try client.waitForEvents(1)
            #expect(!hub.waitUntilDrained(timeout: .milliseconds(50)))
            hub.stopAccepting()
            #expect(client.readToEnd(timeout: 5))
            #expect(client.retry.map { (700...900).contains($0) } == true, "\(String(describing: client.retry))")
            #expect(hub.waitUntilDrained(timeout: .seconds(5)))
            #expect(hub.openConnections == 0)
            #expect(throws: (any Error).self) { try TestSocket(port: hub.port) }
            // Idempotent.
            hub.stopAccepting()
            hub.beginDrain()
        }
    }
}
