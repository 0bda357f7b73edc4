import Testing

@testable import SSEHub

@Suite struct EventEncoderTests {
    private func decode(_ bytes: [UInt8]) -> [ReceivedEvent] {
        var parser = EventStreamParser()
        return parser.feed(bytes)
    }

    @Test func writesIdEventAndDataWithLFOnly() {
        let bytes = EventEncoder.encode(id: "1-2", event: "update", data: Array("hello".utf8))
        #expect(String(decoding: bytes, as: UTF8.self) == "id: 1-2\nevent: update\ndata: hello\n\n")
        #expect(!bytes.contains(0x0D))
    }

    @Test(arguments: [
        ("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\nb", "a\nb"), ("a\r\n\r\nb", "a\n\nb"), ("a\n\rb", "a\n\nb"),
        ("line\n", "line\n"), ("\r", "\n"), ("", ""), ("  spaced  ", "  spaced  "),
        (": not a comment", ": not a comment"),
    ])
    func splitsDataOnEveryLineBreakTheWayClientsJoinIt(_ data: String, _ received: String) {
        let bytes = EventEncoder.encode(id: nil, event: nil, data: Array(data.utf8))
        #expect(decode(bytes) == [ReceivedEvent(id: nil, event: "message", data: received)])
        #expect(!bytes.contains(0x0D), "CR never reaches the wire")
    }

    @Test func neverWritesAByteOrderMark() {
        let bytes = EventEncoder.encode(id: "1", event: nil, data: Array("\u{FEFF}x".utf8))
        #expect(!bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(decode(bytes).first?.data == "\u{FEFF}x")
    }

    @Test func rejectsCRLFAndNULInFieldValues() {
        #expect(EventEncoder.isValidFieldValue("ok-name.1".utf8))
        for bad in ["a\nb", "a\rb", "a\u{0}b"] {
            #expect(!EventEncoder.isValidFieldValue(bad.utf8))
        }
    }

    @Test func writesRetryAndKeepaliveLines() {
        #expect(String(decoding: EventEncoder.retry(milliseconds: 3000), as: UTF8.self) == "retry: 3000\n\n")
        var parser = EventStreamParser()
        #expect(parser.feed(EventEncoder.keepalive).isEmpty)
        #expect(parser.comments == 1)
    }

    /// CRLF, CR and LF all become LF, working on scalars (a String treats CRLF as one Character).
    static func normalizingLineBreaks(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            out.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(out)
    }

    @Test func roundTripsArbitraryText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab \r\n:é€😀".unicodeScalars)
        for _ in 0..<300 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<40, using: &generator) {
                text.append(alphabet.randomElement(using: &generator)!)
            }
            let data = String(text)
            let normalized = Self.normalizingLineBreaks(data)
            #expect(decode(EventEncoder.encode(id: nil, event: nil, data: Array(data.utf8))).first?.data == normalized)
        }
    }
}
