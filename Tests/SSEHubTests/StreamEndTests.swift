import SSEHub
import Testing

/// A stream whose token expires is ended in-band: the `token-expired` event, then the end of the stream, at the
/// token's `exp` (within the loop's one-second tick), not before.
@Suite struct StreamEndTests {
    @Test func aStreamEndsWithANamedEventWhenItsTokenExpires() throws {
        try withHub({ $0.useTestSecret() }) { hub in
            let expiresAt = Int(TestTokens.now) + 3
            let token = TestTokens.hs256(#"{"exp":\#(expiresAt),"ssehub":{"subscribe":["news"]}}"#)
            let client = try SSEClient(port: hub.port, path: "/events/news?access_token=\(token)")
            #expect(try client.readHead() == 200)
            _ = try hub.publish(channels: ["news"], event: nil, data: Array("before".utf8))
            try client.waitForEvents(1)
            try client.waitForEvents(2, timeout: 8)
            let ended = TestTokens.now
            #expect(
                client.events.last
                    == ReceivedEvent(
                        id: client.events[0].id, event: "token-expired", data: #"{"reason":"the token expired"}"#))
            #expect(client.socket.waitForClose(timeout: 5), "the stream closes after the event")
            #expect(
                ended >= Double(expiresAt) - 0.01 && ended < Double(expiresAt) + 1.5,
                "ended at \(ended), exp \(expiresAt)")
            try eventually("the stream to leave its channel") { healthNumber(hub, "subscribers") == 0 }
        }
    }

    /// With a leeway the stream lasts until `exp` plus the leeway, as long as the token is accepted.
    @Test func theLeewayExtendsTheStream() throws {
        try withHub({ $0.useTestSecret(leeway: 2) }) { hub in
            let expiresAt = Int(TestTokens.now) + 1
            let token = TestTokens.hs256(#"{"exp":\#(expiresAt),"ssehub":{"subscribe":["news"]}}"#)
            let client = try SSEClient(
                port: hub.port, path: "/events/news",
                headers: [("Cookie", "x=1"), ("Authorization", "Bearer \(token)")])
            #expect(try client.readHead() == 200)
            try client.waitForEvents(1, timeout: 8)
            #expect(client.events.map(\.event) == ["token-expired"])
            #expect(TestTokens.now >= Double(expiresAt + 2) - 0.01)
        }
    }

    /// A token without `exp` never ends its stream: it stays open past a keepalive.
    @Test func aTokenWithoutExpiryKeepsItsStream() throws {
        try withHub({
            $0.useTestSecret()
            $0.keepalive = .milliseconds(300)
        }) { hub in
            let token = TestTokens.hs256(TestTokens.claims(subscribe: ["news"], expiresIn: nil))
            let client = try SSEClient(port: hub.port, path: "/events/news?access_token=\(token)")
            #expect(try client.readHead() == 200)
            try client.waitForComments(3)
            #expect(client.events.isEmpty && !client.socket.peerClosed)
        }
    }
}
