import Broadcast
import Testing

@Suite struct BroadcastEndpointTests {
    @Test func publishesJSONAndAnswersWithTheIdAndSubscriberCount() throws {
        try withHub { hub in
            let client = try SSEClient(port: hub.port, path: "/events/news")
            try client.readHead()
            let response = try TestHTTP.postJSON(hub.port, #"{"channel": "news", "event": "update", "data": "a\nb"}"#)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let body = try JSONParser.parse(response.body)
            #expect(body["subscribers"] == .number(1))
            try client.waitForEvents(1)
            #expect(client.events[0] == ReceivedEvent(id: body["id"]?.stringValue, event: "update", data: "a\nb"))
        }
    }

    @Test func publishesFormFieldsToSeveralChannels() throws {
        try withHub { hub in
            let a = try SSEClient(port: hub.port, path: "/events/a")
            let b = try SSEClient(port: hub.port, path: "/events/b")
            try a.readHead()
            try b.readHead()
            let response = try TestHTTP.postForm(hub.port, "channel=a&channel=b&data=caf%C3%A9+au+lait%0D%0Ax")
            #expect(response.status == 200)
            #expect(try JSONParser.parse(response.body)["subscribers"] == .number(2))
            try a.waitForEvents(1)
            try b.waitForEvents(1)
            #expect(a.events[0].data == "café au lait\nx")
            #expect(b.events[0] == a.events[0])
        }
    }

    /// The answer counts who will get the event: a stream of two of the channels gets it once, so it counts
    /// once, whether it is an HTTP stream or an in-process one.
    @Test func aStreamOfTwoChannelsCountsOnceInTheAnswer() throws {
        try withHub({ $0.loops = 2 }) { hub in
            let paths = ["/events/a", "/events/b", "/events?channel=a&channel=b", "/events?channel=b&channel=a"]
            let clients = try paths.map { try SSEClient(port: hub.port, path: $0) }
            for client in clients { try client.readHead() }
            let inProcess = try hub.subscribe(channels: ["a", "b"])
            defer { withExtendedLifetime(inProcess) {} }
            let both = try TestHTTP.postForm(hub.port, "channel=a&channel=b&data=x")
            #expect(try JSONParser.parse(both.body)["subscribers"] == .number(5))
            let one = try TestHTTP.postForm(hub.port, "channel=a&data=y")
            #expect(try JSONParser.parse(one.body)["subscribers"] == .number(4))
            for (client, path) in zip(clients, paths) { try client.waitForEvents(path.contains("a") ? 2 : 1) }
            #expect(clients[2].events.map(\.data) == ["x", "y"])
        }
    }

    @Test func sendsNonStringDataAsJSONText() throws {
        try withHub { hub in
            let client = try SSEClient(port: hub.port, path: "/events/j")
            try client.readHead()
            let response = try TestHTTP.postJSON(hub.port, #"{"channels": ["j"], "data": {"n": [1, 2]}}"#)
            #expect(response.status == 200)
            try client.waitForEvents(1)
            #expect(client.events[0].data == #"{"n":[1,2]}"#)
        }
    }

    @Test(arguments: [
        (#"{"channel": "x", "data": "#, "not valid JSON"),
        (#"["x"]"#, "JSON object"),
        (#"{"data": "d"}"#, "\"channel\" is missing"),
        (#"{"channel": "bad name"}"#, "outside A-Z"),
        (#"{"channel": ""}"#, "empty"),
        (#"{"channel": 5}"#, "must be a string"),
        (#"{"channels": ["a", 1]}"#, "array of strings"),
        (#"{"channel": "x", "event": "a\nb"}"#, "CR, LF or NUL"),
        (#"{"channel": "x", "event": "a\u0000b"}"#, "CR, LF or NUL"),
    ])
    func rejectsBadJSONWithAMessage(_ body: String, _ message: String) throws {
        try withHub { hub in
            let response = try TestHTTP.postJSON(hub.port, body)
            #expect(response.status == 400)
            #expect(
                try JSONParser.parse(response.body)["error"]?.stringValue?.contains(message) == true, "\(response.text)"
            )
        }
    }

    @Test func rejectsInvalidUTF8() throws {
        try withHub { hub in
            let body: [UInt8] = Array(#"{"channel": "x", "data": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
            let response = try TestSocket(port: hub.port).exchange(
                "POST", "/broadcast", headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 400)
            #expect(response.text.contains("UTF-8"))
        }
    }

    @Test func rejectsOtherContentTypes() throws {
        try withHub { hub in
            let response = try TestSocket(port: hub.port).exchange(
                "POST", "/broadcast", headers: [("Content-Type", "text/plain")], body: Array("x".utf8))
            #expect(response.status == 415)
            #expect(response.text.contains("application/json"))
            let missing = try TestSocket(port: hub.port).exchange("POST", "/broadcast", body: Array("x".utf8))
            #expect(missing.status == 415)
        }
    }

    @Test func enforcesTheBodyLimitAtItsEdge() throws {
        try withHub({ $0.maxBodyBytes = 1000 }) { hub in
            let prefix = #"{"channel": "x", "data": ""#
            let fill = 1000 - prefix.utf8.count - 2
            let exact = prefix + String(repeating: "a", count: fill) + #""}"#
            #expect(exact.utf8.count == 1000)
            #expect(try TestHTTP.postJSON(hub.port, exact).status == 200)
            let over = prefix + String(repeating: "a", count: fill + 1) + #""}"#
            let response = try TestHTTP.postJSON(hub.port, over)
            #expect(response.status == 413)
            #expect(response.text.contains("1000"))
        }
    }

    @Test func requiresTheBearerTokenWhenConfigured() throws {
        try withHub({ $0.publishToken = "s3cret" }) { hub in
            let body = #"{"channel": "x", "data": "d"}"#
            let none = try TestHTTP.postJSON(hub.port, body)
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate") == "Bearer")
            #expect(try TestHTTP.postJSON(hub.port, body, headers: [("Authorization", "Bearer s3cre")]).status == 401)
            #expect(try TestHTTP.postJSON(hub.port, body, headers: [("Authorization", "Bearer s3cret!")]).status == 401)
            #expect(try TestHTTP.postJSON(hub.port, body, headers: [("Authorization", "Basic s3cret")]).status == 401)
            #expect(try TestHTTP.postJSON(hub.port, body, headers: [("Authorization", "Bearer s3cret")]).status == 200)
        }
    }

    @Test func acceptsChunkedAndExpectContinueBodies() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(
                "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n")
            try socket.read(until: "100 Continue") {
                String(decoding: $0, as: UTF8.self).contains("100 Continue\r\n\r\n")
            }
            _ = socket.take(socket.buffer.count)
            socket.send("8\r\n{\"channe\r\n10\r\nl\": \"x\", \"data\":\r\n4\r\n \"\"}\r\n0\r\n\r\n")
            #expect(try socket.readResponse().status == 200)
        }
    }
}
