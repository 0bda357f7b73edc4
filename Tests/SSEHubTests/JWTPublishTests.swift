import SSEHub
import Testing

/// `POST /broadcast` with JWT on: a bearer JWT publishes to what its `ssehub.publish` names, the publish token
/// keeps publishing everywhere, and nothing else publishes; a refused publish sends nothing.
@Suite struct JWTPublishTests {
    func publish(_ hub: Hub, _ channels: [String], token: String?) throws -> TestResponse {
        let list = channels.map { "\"\($0)\"" }.joined(separator: ",")
        return try TestHTTP.postJSON(
            hub.port, #"{"channels": [\#(list)], "data": "x"}"#,
            headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    @Test func aTokenPublishesOnlyWhereItsClaimAllows() throws {
        try withHub({
            $0.useTestSecret()
            $0.publishToken = "the-publish-token"
        }) { hub in
            let token = TestTokens.hs256(TestTokens.claims(subscribe: ["*"], publish: ["news", "board:*"]))
            #expect(try publish(hub, ["news"], token: token).status == 200)
            #expect(try publish(hub, ["board:1", "news"], token: token).status == 200)
            let denied = try publish(hub, ["news", "sport"], token: token)
            #expect(denied.status == 403 && denied.text.contains(#"does not allow publishing to \"sport\""#))
            let subscribeOnly = TestTokens.hs256(TestTokens.claims(subscribe: ["news"]))
            #expect(try publish(hub, ["news"], token: subscribeOnly).status == 403)
            // The publish token keeps working alongside, for every channel.
            #expect(try publish(hub, ["sport"], token: "the-publish-token").status == 200)

            let missing = try publish(hub, ["news"], token: nil)
            #expect(missing.status == 401 && missing.text.contains("publishing needs Authorization: Bearer"))
            let wrong = try publish(hub, ["news"], token: "not-the-token")
            #expect(wrong.status == 401 && wrong.text.contains("the token is not valid"))
            let expired = TestTokens.hs256(TestTokens.claims(publish: ["news"], expiresIn: -1))
            #expect(try publish(hub, ["news"], token: expired).text.contains("expired"))
            // Refused publishes sent nothing: three events went out (one of them to two channels).
            #expect(healthNumber(hub, "eventsPublished") == 3)
        }
    }

    /// Only the header carries a publisher's token: a cookie would let any page the browser opens publish.
    @Test func aTokenInTheQueryOrACookieDoesNotPublish() throws {
        try withHub({
            $0.useTestSecret()
            $0.jwtCookie = "hub_token"
        }) { hub in
            let token = TestTokens.hs256(TestTokens.claims(publish: ["*"]))
            let socket = try TestSocket(port: hub.port)
            let answer = try socket.exchange(
                "POST", "/broadcast?access_token=\(token)",
                headers: [("Content-Type", "application/json"), ("Cookie", "hub_token=\(token)")],
                body: Array(#"{"channel": "news", "data": "x"}"#.utf8))
            #expect(answer.status == 401)
        }
    }

    /// Without JWT the publish token alone decides, as before.
    @Test func withoutJWTThePublishTokenStillDecides() throws {
        try withHub({ $0.publishToken = "the-publish-token" }) { (hub: Hub) throws in
            #expect(try publish(hub, ["news"], token: "the-publish-token").status == 200)
            #expect(try publish(hub, ["news"], token: nil).status == 401)
        }
        try withHub { (hub: Hub) throws in
            #expect(try publish(hub, ["news"], token: nil).status == 200)
        }
    }
}
