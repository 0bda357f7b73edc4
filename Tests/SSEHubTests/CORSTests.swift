import SSEHub
import Testing

/// CORS over real sockets (Fetch standard §3.2): preflights of `POST /broadcast` and `/events`, credentials for
/// an exact origin only, `Vary: Origin` on every answer of those routes, and nothing for an origin not listed.
@Suite struct CORSTests {
    static let page = "http://127.0.0.1:9999"

    func preflight(_ hub: Hub, _ path: String, origin: String, method: String, headers: String? = nil) throws
        -> TestResponse
    {
        var fields = [("Origin", origin), ("Access-Control-Request-Method", method)]
        if let headers { fields.append(("Access-Control-Request-Headers", headers)) }
        return try TestSocket(port: hub.port).exchange("OPTIONS", path, headers: fields)
    }

    func noCORSHeaders(_ answer: TestResponse) -> Bool {
        !answer.headers.contains { $0.0.lowercased().hasPrefix("access-control-") }
    }

    @Test func aPreflightFromAnAllowedOriginSaysWhatItMayDo() throws {
        try withHub({ $0.corsOrigins = [Self.page, "https://other.example"] }) { hub in
            let answer = try preflight(
                hub, "/broadcast", origin: Self.page, method: "POST", headers: "authorization, content-type")
            #expect(answer.status == 204)
            #expect(answer.header("Access-Control-Allow-Origin") == Self.page)
            #expect(answer.header("Access-Control-Allow-Credentials") == "true")
            #expect(answer.header("Access-Control-Allow-Methods") == "POST")
            #expect(answer.header("Access-Control-Allow-Headers") == "Authorization, Content-Type, Last-Event-ID")
            #expect(answer.header("Access-Control-Max-Age") == "600")
            #expect(answer.header("Vary")?.hasPrefix("Origin") == true)
            #expect(answer.header("Content-Length") == nil, "RFC 9110 §8.6: no Content-Length in a 204")
            for path in ["/events", "/events/news"] {
                let stream = try preflight(hub, path, origin: Self.page, method: "GET", headers: "last-event-id")
                #expect(stream.status == 204 && stream.header("Access-Control-Allow-Methods") == "GET")
            }
        }
    }

    @Test func aRefusedPreflightIsA403ThatSaysWhyWithNoCORSHeaders() throws {
        try withHub({ $0.corsOrigins = [Self.page] }) { hub in
            let refusals = [
                (try preflight(hub, "/broadcast", origin: "http://evil.example", method: "POST"), "origin"),
                (try preflight(hub, "/broadcast", origin: "http://127.0.0.1:9998", method: "POST"), "origin"),
                (try preflight(hub, "/broadcast", origin: Self.page, method: "PUT"), "method PUT"),
                (try preflight(hub, "/events/news", origin: Self.page, method: "POST"), "use GET"),
                (try preflight(hub, "/broadcast", origin: Self.page, method: "POST", headers: "x-custom"), "x-custom"),
            ]
            for (answer, words) in refusals {
                #expect(answer.status == 403, "\(answer.text)")
                #expect(answer.text.contains("CORS preflight refused") && answer.text.contains(words), "\(answer.text)")
                #expect(noCORSHeaders(answer))
                #expect(answer.header("Vary")?.contains("Origin") == true)
            }
            // A plain OPTIONS (no Origin) is told the methods (RFC 9110 §9.3.7).
            let plain = try TestSocket(port: hub.port).exchange("OPTIONS", "/broadcast")
            #expect(plain.status == 204 && plain.header("Allow") == "OPTIONS, POST")
        }
    }

    @Test func answersCarryTheOriginsHeadersStreamsAndErrorsToo() throws {
        try withHub({
            $0.corsOrigins = [Self.page]
            $0.useTestSecret()
            $0.jwtCookie = "hub_token"
        }) { hub in
            let origin = [("Origin", Self.page)]
            let token = TestTokens.hs256(TestTokens.claims(subscribe: ["news"], publish: ["news"]))
            let stream = try SSEClient(
                port: hub.port, path: "/events/news", headers: origin + [("Cookie", "hub_token=\(token)")])
            #expect(try stream.readHead() == 200)
            #expect(stream.head.contains("Access-Control-Allow-Origin: \(Self.page)\r\n"))
            #expect(stream.head.contains("Access-Control-Allow-Credentials: true\r\n"))
            #expect(stream.head.contains("Vary: Origin\r\n"))
            // A refusal is readable by the page: it says why.
            let refused = try TestHTTP.get(hub.port, "/events/news", headers: origin)
            #expect(refused.status == 401 && refused.header("Access-Control-Allow-Origin") == Self.page)
            let published = try TestHTTP.postJSON(
                hub.port, #"{"channel": "news", "data": "x"}"#, headers: origin + [("Authorization", "Bearer \(token)")]
            )
            #expect(published.status == 200 && published.header("Access-Control-Allow-Origin") == Self.page)
            #expect(published.header("Vary") == "Origin")
            let head = try TestSocket(port: hub.port).exchange(
                "HEAD", "/events/news", headers: origin + [("Cookie", "hub_token=\(token)")])
            #expect(head.status == 200 && head.header("Access-Control-Allow-Origin") == Self.page)
            // Another origin gets the answer without CORS headers, so its page cannot read it; Vary still says
            // the answer depends on the origin.
            let other = try TestHTTP.get(hub.port, "/events/news", headers: [("Origin", "http://evil.example")])
            #expect(noCORSHeaders(other) && other.header("Vary") == "Origin")
            // Routes that are not the hub's own are left alone.
            #expect(noCORSHeaders(try TestHTTP.get(hub.port, "/health", headers: origin)))
        }
    }

    @Test func anyOriginIsStarWithoutCredentials() throws {
        try withHub({ $0.corsOrigins = ["*"] }) { hub in
            let stream = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Origin", "http://any.example")])
            #expect(try stream.readHead() == 200)
            #expect(stream.head.contains("Access-Control-Allow-Origin: *\r\n"))
            #expect(!stream.head.contains("Credentials"))
            let answer = try preflight(hub, "/broadcast", origin: "http://any.example", method: "POST")
            #expect(answer.status == 204 && answer.header("Access-Control-Allow-Origin") == "*")
            #expect(answer.header("Access-Control-Allow-Credentials") == nil)
        }
    }

    @Test func withoutCORSNothingChanges() throws {
        try withHub { (hub: Hub) throws in
            let answer = try TestHTTP.get(hub.port, "/events/none?channel=", headers: [("Origin", Self.page)])
            #expect(noCORSHeaders(answer) && answer.header("Vary") == nil)
            #expect(try TestSocket(port: hub.port).exchange("OPTIONS", "/broadcast").status == 405)
        }
    }

    @Test(arguments: [
        (["*", "https://a.example"], "stands alone"), (["null"], "null"), (["https://a.example/"], "scheme://host"),
        (["ftp://a.example"], "scheme://host"), (["a.example"], "scheme://host"), (["https://"], "scheme://host"),
    ])
    func unusableOriginsStopTheStart(_ origins: [String], _ words: String) throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.corsOrigins = origins
        #expect {
            _ = try Hub.start(configuration)
        } throws: { error in
            "\(error)".contains(words)
        }
    }
}
