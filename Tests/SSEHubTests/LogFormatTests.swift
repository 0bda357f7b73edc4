import Broadcast
import Glibc
import Testing

@testable import SSEHub

/// `--log-format json` and `--access-log` on a real `hub` process, and the settings' edges.
@Suite struct LogFormatTests {
    @Test func jsonLinesParseAndTheAccessLogKeepsNoSecrets() throws {
        let hub = try HubProcess(arguments: [
            "--log-format", "json", "--access-log", "--publish-token", "pub-secret-1",
        ])
        let published = try TestHTTP.postJSON(
            hub.port, #"{"channel": "logs", "data": "hello"}"#, headers: [("Authorization", "Bearer pub-secret-1")])
        #expect(published.status == 200)
        let refused = try TestHTTP.postJSON(
            hub.port, #"{"channel": "logs", "data": "no"}"#, headers: [("Authorization", "Bearer wrong-secret-2")])
        #expect(refused.status == 401)
        let badStream = try TestHTTP.get(hub.port, "/events/bad%00name?access_token=query-secret-3")
        #expect(badStream.status == 400)
        // Not logged: neither a publish nor a refusal.
        #expect(try TestHTTP.get(hub.port, "/health/ping").status == 200)
        // Refused before it parsed: no method or path to log.
        let garbage = try TestSocket(port: hub.port)
        garbage.send("NOT HTTP\r\n\r\n")
        #expect(try garbage.readResponse().status == 400)
        // Its answer closed the connection: our end closes too, so the hub's lingering close ends at once.
        garbage.shutdownWrite()
        #expect(garbage.waitForClose(timeout: 5))
        #expect(hub.stop()?.status == 0)

        let lines = hub.output.split(separator: "\n").map(String.init)
        var objects: [JSONValue] = []
        for line in lines {
            let object = try JSONParser.parse(Array(line.utf8))
            objects.append(object)
            let time = try #require(object["time"]?.stringValue, "\(line)")
            // RFC 3339, UTC, milliseconds: 2026-12-04T01:02:03.456Z
            #expect(time.count == 24 && time.hasSuffix("Z") && Array(time)[10] == "T", "\(time)")
            #expect(["info", "warning", "error"].contains(object["level"]?.stringValue ?? ""), "\(line)")
            #expect(object["message"]?.stringValue != nil, "\(line)")
        }
        let messages = objects.compactMap { $0["message"]?.stringValue }
        #expect(messages.contains { $0.hasPrefix("listening on http://") })
        #expect(messages.contains("signal 15: draining"))
        #expect(messages.contains("drain done"))
        #expect(messages.last == "stopped")
        #expect(
            objects.first { $0["message"]?.stringValue?.hasPrefix("listening") == true }?["port"]
                == .number(Double(hub.port)))

        let access = objects.filter { $0["source"]?.stringValue == "access" }
        #expect(access.count == 4, "\(access)")
        func entry(_ status: Int) -> JSONValue? { access.first { $0["status"] == .number(Double(status)) } }
        let publish = try #require(entry(200))
        #expect(publish["method"] == .string("POST"))
        #expect(publish["path"] == .string("/broadcast"))
        #expect(publish["peer"] == .string("127.0.0.1"))
        if case .number(let bytes)? = publish["bytes"] {
            // The head's size is ours to choose; the body is what the client read.
            #expect(bytes > Double(published.body.count + 40) && bytes < Double(published.body.count + 400))
        } else {
            Issue.record("no bytes in \(publish)")
        }
        if case .number(let milliseconds)? = publish["duration_ms"] {
            #expect(milliseconds >= 0 && milliseconds < 10_000)
        } else {
            Issue.record("no duration_ms in \(publish)")
        }
        #expect(entry(401)?["path"] == .string("/broadcast"))
        #expect(entry(400) != nil)
        #expect(access.contains { $0["path"] == .string("/events/bad%00name") && $0["method"] == .string("GET") })
        #expect(access.contains { $0["path"] == .string("-") && $0["status"] == .number(400) })
        for secret in ["pub-secret-1", "wrong-secret-2", "query-secret-3", "access_token", "Bearer"] {
            #expect(!hub.output.contains(secret), "\(secret) reached the log")
        }
    }

    @Test func theAccessLogIsOffByDefaultAndTextLinesKeepTheirShape() throws {
        let hub = try HubProcess(arguments: [])
        #expect(try TestHTTP.get(hub.port, "/nowhere").status == 404)
        #expect(try TestHTTP.postForm(hub.port, "channel=quiet&data=x").status == 200)
        #expect(hub.stop()?.status == 0)
        #expect(!hub.output.contains("access:"), "\(hub.output)")
        let lines = hub.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("hub: listening on http://127.0.0.1:\(hub.port) with ") == true)
        #expect(lines.last == "hub: stopped")
    }

    @Test func textFieldsQuoteWhatWouldSplitALine() {
        let line = Log.render(
            .info, "access", "GET / 404", [("path", .string("/a b")), ("status", .number(404)), ("peer", .string(""))],
            format: .text, time: 0)
        #expect(String(decoding: line, as: UTF8.self) == #"access: GET / 404 path="/a b" status=404 peer="""#)
        #expect(Log.timestamp(millisecondsSinceEpoch: 1_796_346_123_456) == "2026-12-04T01:02:03.456Z")
        #expect(Log.timestamp(millisecondsSinceEpoch: 5) == "1970-01-01T00:00:00.005Z")
    }

    @Test func helpListsTheSettings() throws {
        let (status, output) = try Spawn.run("\"\(HubProcess.executable)\" --help")
        #expect(status == 0)
        for (flag, variable) in [
            ("--drain-seconds", "HUB_DRAIN_SECONDS, default: 10"),
            ("--drain-grace-seconds", "HUB_DRAIN_GRACE_SECONDS, default: 0"),
            ("--drain-retry-min", "HUB_DRAIN_RETRY_MIN_MS, default: 1000"),
            ("--drain-retry-max", "HUB_DRAIN_RETRY_MAX_MS, default: 5000"),
            ("--max-stream-seconds", "HUB_MAX_STREAM_SECONDS, default: 0"),
            ("--max-stream-jitter", "HUB_MAX_STREAM_JITTER, default: a tenth"),
            ("--log-format", "HUB_LOG_FORMAT, default: text"), ("--access-log", "HUB_ACCESS_LOG, default: off"),
        ] {
            #expect(output.contains(flag + " "), "\(flag) missing from --help")
            #expect(output.contains(variable), "\(variable) missing from --help")
        }
    }

    /// Each limit at its edge: the last value refused and the first accepted, and the pairs checked together.
    @Test(arguments: [
        ("--drain-retry-min 5001 --drain-retry-max 5000", "", "--drain-retry-min:"),
        ("", "HUB_DRAIN_RETRY_MAX_MS=3600001", "HUB_DRAIN_RETRY_MAX_MS:"),
        ("--drain-retry-min -1", "", "--drain-retry-min:"),
        ("--drain-seconds 0", "", "--drain-seconds:"),
        ("--drain-grace-seconds 10 --drain-seconds 10", "", "--drain-grace-seconds:"),
        ("--drain-grace-seconds -0.5", "", "--drain-grace-seconds:"),
        ("--max-stream-seconds 5 --max-stream-jitter 5", "", "--max-stream-jitter:"),
        ("--max-stream-seconds 86401", "", "--max-stream-seconds:"),
        ("--log-format xml", "", "--log-format:"), ("", "HUB_ACCESS_LOG=maybe", "HUB_ACCESS_LOG:"),
        ("--redis-publish-batch 0", "", "--redis-publish-batch:"),
        ("", "HUB_REDIS_PUBLISH_BATCH=10001", "HUB_REDIS_PUBLISH_BATCH:"),
        ("--redis-publish-batch-bytes 1023", "", "--redis-publish-batch-bytes:"),
    ])
    func anInvalidSettingStopsStartUp(_ arguments: String, _ environment: String, _ named: String) throws {
        let (status, output) = try Spawn.run(
            "\"\(HubProcess.executable)\" \(arguments)", environment: environment.isEmpty ? [] : [environment])
        #expect(status == 2)
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.contains(named), "\(output)")
    }

    @Test func theEdgeValuesStart() throws {
        let hub = try HubProcess(
            arguments: [
                "--drain-retry-min", "0", "--drain-retry-max", "3600000", "--drain-grace-seconds", "9.999",
                "--max-stream-seconds", "5", "--max-stream-jitter", "4.999", "--redis-publish-batch", "10000",
                "--redis-publish-batch-bytes", "1024",
            ],
            environment: ["HUB_LOG_FORMAT=json", "HUB_ACCESS_LOG=1", "HUB_DRAIN_SECONDS=10"])
        #expect(hub.output.hasPrefix("{"))
        kill(hub.pid, SIGTERM)
        #expect(hub.waitForOutput("draining"))
        #expect(hub.stop(signal: SIGTERM, timeout: 5)?.status == 0)
    }
}
