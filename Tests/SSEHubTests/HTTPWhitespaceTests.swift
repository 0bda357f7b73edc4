import SSEHub
import Testing

/// The hub's one OWS trimmer (RFC 9110 §5.6.3: space and horizontal tab only).
@Suite struct HTTPWhitespaceTests {
    func trimmed(_ text: String) -> String {
        String(decoding: HTTPWhitespace.trimmed(Array(text.utf8)), as: UTF8.self)
    }

    @Test func trimsSpacesAndTabsAtBothEnds() {
        #expect(trimmed("  value\t") == "value")
        #expect(trimmed("\t \tvalue \t ") == "value")
        #expect(trimmed("value") == "value")
    }

    @Test func keepsWhitespaceInside() {
        #expect(trimmed(" a b\tc ") == "a b\tc")
    }

    @Test func emptyAndAllWhitespaceBecomeEmpty() {
        #expect(trimmed("") == "")
        #expect(trimmed(" ") == "")
        #expect(trimmed(" \t\t ") == "")
    }

    @Test func onlySpaceAndTabAreOWS() {
        // CR, LF, vertical tab, form feed and NUL are not OWS: a field value never holds the first two, and the
        // others are not whitespace to HTTP.
        #expect(trimmed("\r\nvalue\r\n") == "\r\nvalue\r\n")
        #expect(trimmed("\u{0B}value\u{0C}") == "\u{0B}value\u{0C}")
        #expect(trimmed("\0value") == "\0value")
        #expect(HTTPWhitespace.isOWS(0x20) && HTTPWhitespace.isOWS(0x09))
        #expect(!HTTPWhitespace.isOWS(0x0A) && !HTTPWhitespace.isOWS(0x0D) && !HTTPWhitespace.isOWS(0x0B))
    }

    @Test func returnsASliceWithTheOriginalIndices() {
        let bytes = Array("ab  cd  ".utf8)
        let slice = HTTPWhitespace.trimmed(bytes[2...])
        #expect(slice.startIndex == 4 && slice.endIndex == 6)
        #expect(Array(slice) == Array("cd".utf8))
    }

    @Test func stringsTrimOnlyOWSAndKeepUnicode() {
        #expect(" \tcafé\t ".trimmingSpaces() == "café")
        // A no-break space (U+00A0) and an ideographic space (U+3000) are not HTTP whitespace.
        #expect("\u{A0}x\u{3000}".trimmingSpaces() == "\u{A0}x\u{3000}")
        #expect(" ✓ ".trimmingSpaces() == "✓")
        #expect("  ".trimmingSpaces() == "")
        #expect(Substring(" a ; b ").split(separator: ";").map { $0.trimmingSpaces() } == ["a", "b"])
    }

    @Test func headerValuesAndListElementsAreTrimmed() {
        let request = HTTPRequest(
            method: "GET", target: "/", headers: HTTPHeaders([("Cookie", "\ta = 1 ;\tb=2\t")]))
        #expect(request.cookies.map(\.name) == ["a", "b"])
        #expect(request.cookie(named: "a") == "1")
        #expect(request.cookie(named: "b") == "2")
    }
}
