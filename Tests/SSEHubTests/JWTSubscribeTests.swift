import SSEHub
import Testing

/// JWT-guarded streams over real sockets: HS256 tokens signed in the test; every refusal a 401 or 403 whose
/// JSON says why, before any stream opens; an accepted token opens the stream.
@Suite struct JWTSubscribeTests {
    /// Expects `answer` to be a refusal with `status` whose `error` mentions `words`, and nothing subscribed.
    func expectRefused(_ answer: TestResponse, _ status: Int, _ words: String, hub: Hub) {
        #expect(answer.status == status, "\(answer.status) \(answer.text)")
        #expect(answer.header("Content-Type") == "application/json")
        #expect(answer.text.contains(words), "\(answer.text)")
        #expect(answer.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(healthNumber(hub, "subscribers") == 0, "a refused request subscribed nothing")
    }

    func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }

    @Test func aValidTokenOpensItsChannelsStream() throws {
        try withHub({ $0.useTestSecret() }) { hub in
            let token = TestTokens.hs256(TestTokens.claims(subscribe: ["news"]))
            let client = try SSEClient(port: hub.port, path: "/events/news", headers: bearer(token))
            #expect(try client.readHead() == 200)
            _ = try hub.publish(channels: ["news"], event: nil, data: Array("hello".utf8))
            try client.waitForEvents(1)
            #expect(client.events.map(\.data) == ["hello"])
        }
    }

    @Test func noTokenIsRefusedUnlessAnonymousSubscribersAreAllowed() throws {
        try withHub({ $0.useTestSecret() }) { hub in
            expectRefused(try TestHTTP.get(hub.port, "/events/news"), 401, "this stream needs a token", hub: hub)
        }
        try withHub({
            $0.useTestSecret()
            $0.anonymousSubscribe = true
        }) { hub in
            #expect(try SSEClient(port: hub.port, path: "/events/news").readHead() == 200)
            // A token that is sent is still checked.
            let forged = TestTokens.hs256(
                TestTokens.claims(subscribe: ["*"]), secret: String(repeating: "x", count: 40))
            let answer = try TestHTTP.get(hub.port, "/events/news", headers: bearer(forged))
            #expect(answer.status == 401 && answer.text.contains("signature does not match"))
        }
    }

    @Test func anExpiredOrNotYetValidTokenIsRefusedWithItsTimes() throws {
        try withHub({ $0.useTestSecret() }) { hub in
            let expired = TestTokens.hs256(TestTokens.claims(subscribe: ["news"], expiresIn: -5))
            expectRefused(
                try TestHTTP.get(hub.port, "/events/news", headers: bearer(expired)), 401, "the token expired at",
                hub: hub)
            let early = TestTokens.hs256(TestTokens.claims(subscribe: ["news"], notBeforeIn: 60))
            expectRefused(
                try TestHTTP.get(hub.port, "/events/news", headers: bearer(early)), 401, "not valid before", hub: hub)
        }
    }

    /// The leeway at its edge: 30 s of skew accepts a token 20 s past `exp` or 20 s before `nbf`, not 40 s.
    @Test func theLeewayCoversClockSkewAndNoMore() throws {
        try withHub({ $0.useTestSecret(leeway: 30) }) { hub in
            for (claims, accepted) in [
                (TestTokens.claims(subscribe: ["news"], expiresIn: -20), true),
                (TestTokens.claims(subscribe: ["news"], expiresIn: -40), false),
                (TestTokens.claims(subscribe: ["news"], notBeforeIn: 20), true),
                (TestTokens.claims(subscribe: ["news"], notBeforeIn: 40), false),
            ] {
                let client = try SSEClient(
                    port: hub.port, path: "/events/news", headers: bearer(TestTokens.hs256(claims)))
                #expect(try client.readHead() == (accepted ? 200 : 401), "\(claims)")
            }
        }
    }

    @Test(arguments: [
        ("signed with another secret", TestTokens.hs256("{}", secret: String(repeating: "k", count: 32)), "signature"),
        ("alg none", TestTokens.unsigned(TestTokens.claims(subscribe: ["*"])), "alg none"),
        ("alg None", TestTokens.hs256(TestTokens.claims(subscribe: ["*"]), alg: "None"), "not accepted"),
        ("alg HS512", TestTokens.hs256(TestTokens.claims(subscribe: ["*"]), alg: "HS512"), "not accepted"),
        ("RS256 header on an HMAC", TestTokens.hs256(TestTokens.claims(subscribe: ["*"]), alg: "RS256"), "RS256"),
        ("two parts", "abc.def", "not a JWT"),
        ("five parts (JWE)", "a.b.c.d.e", "JWE"),
        ("padding", TestTokens.hs256(TestTokens.claims(subscribe: ["*"])) + "=", "base64url"),
        ("a header that is not JSON", Base64URL.encode(Array("nope".utf8)) + ".e30.AA", "header is not a JSON"),
        ("crit", TestTokens.input(header: #"{"alg":"HS256","crit":["x"]}"#, claims: "{}") + ".AA", "crit"),
    ])
    func aBadTokenIsA401ThatSaysWhy(_ what: String, _ token: String, _ words: String) throws {
        try withHub({ $0.useTestSecret() }) { hub in
            let answer = try TestHTTP.get(hub.port, "/events/news", headers: bearer(token))
            expectRefused(answer, 401, "the token is not valid", hub: hub)
            #expect(answer.text.contains(words), "\(what): \(answer.text)")
            #expect(answer.header("WWW-Authenticate") == "Bearer error=\"invalid_token\"")
        }
    }

    @Test func claimsOfTheWrongShapeAreRefused() throws {
        try withHub({ $0.useTestSecret() }) { hub in
            for (claims, words) in [
                (#"{"exp":"tomorrow"}"#, #"\"exp\" must be a number"#),
                (#"{"ssehub":["news"]}"#, "must be an object"),
                (#"{"ssehub":{"subscribe":"news"}}"#, "must be a list"),
                (#"{"ssehub":{"subscribe":[1]}}"#, "must list strings"),
                // Times no clock reaches are refused with a message, never a trap converting them.
                (#"{"exp":-1e300}"#, "expired at -1e+300"), (#"{"nbf":1e300}"#, "not valid before 1e+300"),
                // RFC 7519 §4: duplicate claim names are rejected (the strict JSON parser refuses them).
                (#"{"exp":9999999999,"exp":1,"ssehub":{"subscribe":["news"]}}"#, "payload is not a JSON object"),
            ] {
                let answer = try TestHTTP.get(hub.port, "/events/news", headers: bearer(TestTokens.hs256(claims)))
                expectRefused(answer, 401, words, hub: hub)
            }
        }
    }

    @Test func aChannelTheTokenDoesNotNameIsA403AndPrefixesMatch() throws {
        try withHub({ $0.useTestSecret() }) { hub in
            let token = TestTokens.hs256(TestTokens.claims(subscribe: ["news", "board:*"], publish: ["other"]))
            let wrong = try TestHTTP.get(hub.port, "/events/sport", headers: bearer(token))
            expectRefused(wrong, 403, "does not allow subscribing to \\\"sport\\\"", hub: hub)
            #expect(wrong.header("WWW-Authenticate") == "Bearer error=\"insufficient_scope\"")
            // Every channel of a multi-channel stream must be allowed.
            let mixed = try TestHTTP.get(hub.port, "/events?channel=news&channel=sport", headers: bearer(token))
            expectRefused(mixed, 403, "sport", hub: hub)
            // `board:*` is a prefix, not a glob of the middle; a publish grant is no subscribe grant.
            for path in ["/events/boards", "/events/board", "/events/other", "/events/xboard:1"] {
                #expect(try TestHTTP.get(hub.port, path, headers: bearer(token)).status == 403, "\(path)")
            }
            let nothing = TestTokens.hs256(TestTokens.claims())
            expectRefused(try TestHTTP.get(hub.port, "/events/news", headers: bearer(nothing)), 403, "news", hub: hub)
            for path in ["/events/board:1", "/events/board:", "/events?channel=news&channel=board:7"] {
                #expect(try SSEClient(port: hub.port, path: path, headers: bearer(token)).readHead() == 200, "\(path)")
            }
        }
    }

    @Test func theTokenComesFromTheHeaderTheCookieOrTheQuery() throws {
        try withHub({
            $0.useTestSecret()
            $0.jwtCookie = "hub_token"
        }) { hub in
            let token = TestTokens.hs256(TestTokens.claims(subscribe: ["news"]))
            let sources: [(String, [(String, String)])] = [
                ("/events/news", [("Authorization", "bearer \(token)")]),
                ("/events/news", [("Cookie", "other=1; hub_token=\(token)")]),
                ("/events/news?access_token=\(token)", []),
            ]
            // The first source present decides: a bad header is not passed over for a good cookie.
            let header = try TestHTTP.get(
                hub.port, "/events/news", headers: [("Authorization", "Basic eDp5"), ("Cookie", "hub_token=\(token)")])
            expectRefused(header, 401, "must be Bearer", hub: hub)
            let twice = try TestHTTP.get(hub.port, "/events/news?access_token=\(token)&access_token=\(token)")
            #expect(twice.status == 400 && twice.text.contains("access_token is given 2 times"))
            // A cookie of another name is no token.
            let otherCookie = try TestHTTP.get(hub.port, "/events/news", headers: [("Cookie", "token=\(token)")])
            expectRefused(otherCookie, 401, "the hub_token cookie", hub: hub)
            for (path, headers) in sources {
                #expect(try SSEClient(port: hub.port, path: path, headers: headers).readHead() == 200, "\(headers)")
            }
        }
    }

    /// A token is bounded like the rest of the head: one that fits `--max-head` is read, a longer one is a 431.
    @Test func aTokenIsBoundedByTheHeadLimit() throws {
        try withHub({
            $0.useTestSecret()
            $0.maxHeadBytes = 2048
        }) { (hub: Hub) throws in
            func token(_ channels: Int) -> String {
                TestTokens.hs256(TestTokens.claims(subscribe: ["news"] + (0..<channels).map { "channel-\($0)" }))
            }
            let fits = token(70)
            #expect(fits.utf8.count > 1200 && fits.utf8.count < 1800)
            #expect(try SSEClient(port: hub.port, path: "/events/news", headers: bearer(fits)).readHead() == 200)
            let tooLong = token(120)
            #expect(tooLong.utf8.count > 2048)
            #expect(try TestHTTP.get(hub.port, "/events/news", headers: bearer(tooLong)).status == 431)
        }
    }

    /// An app's own check of its channels (a deferred answer, as the demo's board gate gives) adds to the
    /// token's: the stream it lets open is still held to the token, so another channel cannot ride along.
    @Test func anAppsOwnStreamCheckAddsToTheTokenNeverReplacesIt() throws {
        struct Gate: Middleware {
            func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult {
                let result = try next(request, context)
                guard case .eventStream(let stream) = result, stream.channels.contains("app") else { return result }
                guard request.headers["X-App-Member"] == "yes" else { throw HTTPError(.forbidden, "app members only") }
                return .deferredAnswer { $0(.eventStream(stream)) }
            }
        }
        try withHub({ $0.useTestSecret() }, routes: { $0.use(Gate()) }) { (hub: Hub) throws in
            let member = [("X-App-Member", "yes")]
            let appOnly = TestTokens.hs256(TestTokens.claims(subscribe: ["app"]))
            expectRefused(try TestHTTP.get(hub.port, "/events/app", headers: member), 401, "needs a token", hub: hub)
            expectRefused(
                try TestHTTP.get(hub.port, "/events?channel=app&channel=news", headers: member + bearer(appOnly)), 403,
                "news", hub: hub)
            let refusedByApp = try TestHTTP.get(hub.port, "/events/app", headers: bearer(appOnly))
            #expect(refusedByApp.status == 403 && refusedByApp.text.contains("app members only"))
            let expiring = TestTokens.hs256(TestTokens.claims(subscribe: ["app"], expiresIn: 600))
            let client = try SSEClient(port: hub.port, path: "/events/app", headers: member + bearer(expiring))
            #expect(try client.readHead() == 200)
        }
    }

    /// RFC 7519 §4.1.3: a token naming audiences must name this hub's; without `--jwt-audience`, any `aud` is
    /// another service's token.
    @Test func aTokenForAnotherAudienceIsRefused() throws {
        func token(aud: String) -> String {
            TestTokens.hs256(#"{"aud":\#(aud),"ssehub":{"subscribe":["news"]}}"#)
        }
        try withHub({ $0.useTestSecret() }) { hub in
            expectRefused(
                try TestHTTP.get(hub.port, "/events/news", headers: bearer(token(aud: #""billing""#))), 401,
                "this hub names none", hub: hub)
            let plain = TestTokens.hs256(TestTokens.claims(subscribe: ["news"]))
            #expect(try SSEClient(port: hub.port, path: "/events/news", headers: bearer(plain)).readHead() == 200)
        }
        try withHub({
            $0.useTestSecret()
            $0.jwtAudience = "ssehub"
        }) { hub in
            for aud in [#""ssehub""#, #"["billing","ssehub"]"#] {
                let client = try SSEClient(port: hub.port, path: "/events/news", headers: bearer(token(aud: aud)))
                #expect(try client.readHead() == 200, "aud \(aud)")
            }
            for (aud, words) in [
                (#""billing""#, #"aud does not name \"ssehub\""#), (#"["billing"]"#, "aud does not name"),
                ("7", "must be a string or a list"), (#"["ssehub",7]"#, "must be a string or a list"),
            ] {
                let answer = try TestHTTP.get(hub.port, "/events/news", headers: bearer(token(aud: aud)))
                #expect(answer.status == 401 && answer.text.contains(words), "aud \(aud): \(answer.text)")
            }
        }
    }
}
