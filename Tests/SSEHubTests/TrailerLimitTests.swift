import Broadcast
import Testing

/// Issue 8 item 13: a chunked body's trailer section is a field section like the head (RFC 9112 §7.1.2), so
/// `--max-head` bounds it; 20,000 trailer lines of 1 KB used to be read and accepted.
@Suite struct TrailerLimitTests {
    static let limit = 1024

    /// A chunked form publish whose trailer section (its line ends and the final empty line included) is
    /// exactly `trailerBytes` long.
    static func chunkedPublish(trailerBytes: Int) -> String {
        let body = "channel=trailers"
        // Two fields: one of 100 bytes, the other filling the rest (CRLFs included).
        let first = "X-A: " + String(repeating: "a", count: 93) + "\r\n"
        let trailers = first + "X-B: " + String(repeating: "b", count: trailerBytes - 2 - 100 - 7) + "\r\n"
        precondition(trailers.utf8.count + 2 == trailerBytes)
        return "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n" + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n"
            + "0\r\n" + trailers + "\r\n"
    }

    @Test func trailersAtTheHeadLimitAreAccepted() throws {
        try withHub({ $0.maxHeadBytes = Self.limit }) { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(Self.chunkedPublish(trailerBytes: Self.limit))
            let response = try socket.readResponse()
            #expect(response.status == 200, "\(response.text)")
            #expect(try socket.exchange("GET", "/health/ping").status == 200, "the connection stays usable")
        }
    }

    @Test func trailersOneByteOverTheHeadLimitAre431AndClose() throws {
        try withHub({ $0.maxHeadBytes = Self.limit }) { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(Self.chunkedPublish(trailerBytes: Self.limit + 1))
            let response = try socket.readResponse()
            #expect(response.status == 431)
            #expect(response.text.contains("trailer"))
            #expect(response.header("Connection") == "close")
            #expect(socket.waitForClose())
            #expect(healthNumber(hub, "eventsPublished") == 0, "a refused request publishes nothing")
        }
    }

    /// The case: many 1 KB trailer lines, far past the limit, are refused long before they end.
    @Test func manyLongTrailerLinesAreRefused() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send(
                "POST /broadcast HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n")
            let line = "X-Fill: " + String(repeating: "b", count: 1010) + "\r\n"
            for _ in 0..<100 where !socket.peerClosed {
                socket.send(String(repeating: line, count: 20))
                socket.readSome(timeout: 0)
            }
            #expect(try socket.readResponse().status == 431)
        }
    }
}
