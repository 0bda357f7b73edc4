import Broadcast
import Testing

@Suite struct HTTPServerTests {
    @Test func answersUnknownPathsAndWrongMethods() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            let missing = try socket.exchange("GET", "/nope")
            #expect(missing.status == 404)
            #expect(missing.text.contains("/nope"))
            let wrong = try socket.exchange("DELETE", "/broadcast")
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow") == "POST")
            let head = try socket.exchange("HEAD", "/health/ping")
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            #expect(try socket.exchange("GET", "/health/ping").text == "pong\n", "no body was sent for HEAD")
        }
    }

    @Test func keepsConnectionsAliveAndAnswersPipelinedRequestsInOrder() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(
                "GET /health/ping HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 9\r\n\r\nchannel=p")
            #expect(try socket.readResponse().text == "pong\n")
            #expect(try socket.readResponse().status == 404)
            #expect(try socket.readResponse().status == 200)
            #expect(try socket.exchange("GET", "/health/ping").status == 200)
        }
    }

    @Test func answersAClientThatHalfClosesAfterItsRequests() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(String(repeating: "GET /health HTTP/1.1\r\nHost: t\r\n\r\n", count: 50))
            socket.shutdownWrite()
            for _ in 0..<50 { #expect(try socket.readResponse().status == 200) }
            #expect(socket.waitForClose())
        }
    }

    @Test func headOnAStreamDescribesItWithoutOpeningIt() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            let response = try socket.exchange("HEAD", "/events/h")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream")
            // Issue 8 item 17: a stream has no length, so HEAD must not claim `Content-Length: 0` (RFC 9110 §8.6).
            #expect(response.header("Content-Length") == nil)
            #expect(try socket.exchange("GET", "/health/ping").status == 200, "the connection stays usable")
            #expect(healthNumber(hub, "streams") == 0)
        }
    }

    @Test func answers431AboveTheHeadLimitAndCloses() throws {
        try withHub({ $0.maxHeadBytes = 2048 }) { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(
                "GET /health/ping HTTP/1.1\r\nHost: t\r\nX-Fill: \(String(repeating: "a", count: 3000))\r\n\r\n")
            #expect(try socket.readResponse().status == 431)
            #expect(socket.waitForClose())
        }
    }

    @Test func answers400AndClosesOnContentLengthWithTransferEncoding() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(
                "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            )
            let response = try socket.readResponse()
            #expect(response.status == 400)
            #expect(response.text.contains("Transfer-Encoding"))
            #expect(response.header("Connection") == "close")
            #expect(socket.waitForClose())
        }
    }

    /// Issue 8 item 11: the body of a refused expectation may already be on its way (RFC 9110 §10.1.1), so
    /// the connection cannot be reused; it must close rather than read that body as the next request.
    @Test func answers417AndClosesOnAnUnsupportedExpectation() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send("POST /broadcast HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 4\r\n\r\n")
            let response = try socket.readResponse()
            #expect(response.status == 417)
            #expect(response.header("Connection") == "close")
            #expect(socket.waitForClose())
        }
    }

    @Test func answers400AndClosesOnAnInvalidContentLength() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send("POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Length: 12abc\r\n\r\n")
            #expect(try socket.readResponse().status == 400)
            #expect(socket.waitForClose())
        }
    }

    @Test func closesAClientThatSendsItsHeadTooSlowly() throws {
        try withHub({ $0.headTimeout = .milliseconds(300) }) { hub in
            let socket = try TestSocket(port: hub.port)
            let started = TestClock.now()
            socket.send("GET /health/ping HTTP/1.1\r\nHo")
            let response = try socket.readResponse(timeout: 5)
            #expect(response.status == 408)
            #expect(socket.waitForClose(timeout: 5))
            #expect(TestClock.now() - started >= 0.3)
        }
    }

    @Test func closesIdleKeepAliveConnections() throws {
        try withHub({ $0.idleTimeout = .milliseconds(300) }) { hub in
            let socket = try TestSocket(port: hub.port)
            #expect(try socket.exchange("GET", "/health/ping").status == 200)
            #expect(socket.waitForClose(timeout: 5))
        }
    }

    @Test func reportsHealth() throws {
        try withHub({ $0.loops = 3 }) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/h")
            try client.readHead()
            _ = try hub.publish(channels: ["h"], event: nil, data: [])
            let response = try TestHTTP.get(hub.port, "/health")
            #expect(response.status == 200)
            let health = try JSONParser.parse(response.body)
            #expect(health["version"]?.stringValue == Hub.version)
            #expect(health["loops"] == .number(3))
            #expect(health["subscribers"] == .number(1))
            #expect(health["channels"] == .number(1))
            #expect(health["eventsPublished"] == .number(1))
            #expect(health["slowSubscribersDropped"] == .number(0))
            if case .number(let connections)? = health["connections"] { #expect(connections >= 2) }
            if case .number(let uptime)? = health["uptimeSeconds"] { #expect(uptime >= 0) }
        }
    }

    @Test func survivesGarbageAndAbruptDisconnects() throws {
        try withHub { hub in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<200 {
                let socket = try TestSocket(port: hub.port)
                let length = Int.random(in: 1..<600, using: &generator)
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if round % 2 == 0 { bytes = Array("POST /broadcast HTTP/1.1\r\nHost: t\r\n".utf8) + bytes }
                socket.send(bytes)
            }
            #expect(try TestHTTP.get(hub.port, "/health/ping").status == 200)
        }
    }
}
