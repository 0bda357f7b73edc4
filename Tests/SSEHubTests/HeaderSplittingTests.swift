import Broadcast
import Testing

/// An app that copies a client's text into a response header cannot split the response (RFC 9110 §5.5): a field
/// with CR, LF or NUL is left out, in answers and in a stream's head alike.
@Suite struct HeaderSplittingTests {
    @Test func aFieldThatWouldSplitTheResponseIsLeftOut() throws {
        let injected = "x\r\nSet-Cookie: stolen=1"
        try withHub(routes: { router in
            router.add("GET", "/echo") { _, _ in
                .response(HTTPResponse.text(.ok, "fine\n").adding("X-Echo", injected).adding("X-Kept", "yes"))
            }
            router.add("GET", "/stream") { _, _ in
                var request = StreamRequest(channels: ["echo"], lastEventID: nil)
                request.headers = [("X-Echo", injected), ("Bad Name", "v"), ("X-Kept", "yes")]
                return .eventStream(request)
            }
        }) { hub in
            let answer = try TestHTTP.get(hub.port, "/echo")
            #expect(answer.status == 200 && answer.text == "fine\n")
            #expect(answer.header("X-Kept") == "yes")
            #expect(answer.header("X-Echo") == nil && answer.header("Set-Cookie") == nil)
            let stream = try SSEClient(port: hub.port, path: "/stream")
            #expect(try stream.readHead() == 200)
            #expect(stream.head.contains("X-Kept: yes\r\n"))
            #expect(!stream.head.contains("stolen") && !stream.head.contains("Bad Name"))
        }
    }
}
