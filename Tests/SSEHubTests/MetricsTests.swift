import Broadcast
import Testing

/// `GET /metrics` over real sockets: the page keeps every rule of the Prometheus text format, and its numbers
/// follow the events, streams, resets and keepalives that really went through the hub.
@Suite struct MetricsTests {
    static func scrape(_ hub: Hub, headers: [(String, String)] = []) throws -> PrometheusPage {
        let response = try TestHTTP.get(hub.port, "/metrics", headers: headers)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusPage(response.text)
    }

    @Test func theCountsFollowEventsAsTheyFlow() throws {
        try withHub({ $0.loops = 2 }) { hub in
            var clients = try (0..<3).map { _ in try SSEClient(port: hub.port, path: "/events/news") }
            for client in clients { try client.readHead() }
            let idle = try Self.scrape(hub)
            #expect(idle.value("ssehub_streams_open") == 3)
            #expect(idle.value("ssehub_subscribers") == 3)
            #expect(idle.value("ssehub_events_published_total") == 0)
            #expect(idle.value("ssehub_build_info", ["version": Hub.version]) == 1)

            for index in 1...4 { #expect(try TestHTTP.postForm(hub.port, "channel=news&data=\(index)").status == 200) }
            for client in clients { try client.waitForEvents(4) }
            let busy = try Self.scrape(hub)
            #expect(busy.value("ssehub_events_published_total") == 4)
            #expect(busy.value("ssehub_deliveries_total") == 12, "four events to three subscribers")
            #expect(busy.value("ssehub_channels") == 1)
            // Once per event per loop that held subscribers: the three streams are on one or two loops.
            let timed = try #require(busy.value("ssehub_publish_to_write_seconds_count"))
            #expect(timed >= 4 && timed <= 8)
            #expect(busy.value("ssehub_publish_to_write_seconds_bucket", ["le": "+Inf"]) == timed)
            #expect(try #require(busy.value("ssehub_written_bytes_total")) > idle.value("ssehub_written_bytes_total")!)
            // Four publishes, three streams and the first scrape at least; nothing failed.
            #expect(try #require(busy.value("ssehub_http_responses_total", ["class": "2xx"])) >= 8)
            #expect(busy.value("ssehub_http_responses_total", ["class": "4xx"]) == 0)
            #expect(busy.value("ssehub_http_responses_total", ["class": "5xx"]) == 0)
            #expect(busy.total("ssehub_loop_turns_total") > 0)
            #expect(busy.families["ssehub_loop_turns_total"]?.samples.count == 2, "one series per loop")

            // A refused request counts as 4xx; a stream that goes away leaves the gauges.
            #expect(try TestHTTP.postForm(hub.port, "data=no-channel").status == 400)
            clients.removeFirst()  // its socket closes with it
            try eventually("the closed stream to leave") { healthNumber(hub, "streams") == 2 }
            let after = try Self.scrape(hub)
            #expect(after.value("ssehub_http_responses_total", ["class": "4xx"]) == 1)
            #expect(after.value("ssehub_streams_open") == 2)
            #expect(after.value("ssehub_subscribers") == 2)
        }
    }

    @Test func resumesCountTheirReplaysAndTheirResetsByReason() throws {
        try withHub { hub in
            var ids: [String] = []
            for index in 1...3 {
                let answer = try TestHTTP.postForm(hub.port, "channel=log&data=\(index)")
                ids.append(try #require(try JSONParser.parse(answer.body)["id"]?.stringValue))
            }
            let resumed = try SSEClient(port: hub.port, path: "/events/log", headers: [("Last-Event-ID", ids[0])])
            try resumed.readHead()
            try resumed.waitForEvents(2)
            let stranger = try SSEClient(port: hub.port, path: "/events/log", headers: [("Last-Event-ID", "nonsense")])
            try stranger.readHead()
            try stranger.waitForEvents(1)
            #expect(stranger.events[0].event == "reset")
            let page = try Self.scrape(hub)
            #expect(page.value("ssehub_replayed_events_total") == 2)
            #expect(page.value("ssehub_resets_total", ["reason": "not_an_id"]) == 1)
            #expect(page.value("ssehub_resets_total", ["reason": "older_than_replay"]) == 0)
            #expect(page.families["ssehub_resets_total"]?.samples.count == 7, "every reason is listed, zero or not")
        }
    }

    @Test func keepalivesAndBacklogAreCounted() throws {
        try withHub({ $0.keepalive = .milliseconds(100) }) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/quiet")
            try client.readHead()
            try client.waitForComments(2)
            let page = try Self.scrape(hub)
            #expect(try #require(page.value("ssehub_keepalives_total")) >= 2)
            #expect(page.value("ssehub_outbound_queue_bytes") == 0, "a reading client leaves nothing queued")
        }
    }

    @Test func withAnAdminTokenTheMetricsNeedIt() throws {
        try withHub({ $0.adminToken = "s3cret-admin" }) { hub in
            let bare = try TestHTTP.get(hub.port, "/metrics")
            #expect(bare.status == 401 && bare.header("WWW-Authenticate") == "Bearer")
            #expect(bare.text.contains("Authorization: Bearer"))
            let wrong = try TestHTTP.get(hub.port, "/metrics", headers: [("Authorization", "Bearer s3cret-admiN")])
            #expect(wrong.status == 401 && wrong.text.contains("does not match"))
            let page = try Self.scrape(hub, headers: [("Authorization", "Bearer s3cret-admin")])
            #expect(page.value("ssehub_connections_open") != nil)
        }
    }
}
