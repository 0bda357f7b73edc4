import SSEHub
import Testing

/// The hub's one media-type parser (RFC 9110 §8.3.1: `type/subtype` and `;` parameters).
@Suite struct MediaTypeTests {
    @Test func typeAndSubtypeAreLowercasedAndParametersKeptInOrder() throws {
        let media = try #require(MediaType("Text/HTML; Charset=UTF-8; level=1"))
        #expect(media.type == "text" && media.subtype == "html" && media.essence == "text/html")
        #expect(media.parameters.map(\.name) == ["charset", "level"])
        #expect(media.parameter("CHARSET") == "UTF-8", "names are case-insensitive, values kept as sent")
        #expect(media.parameter("level") == "1")
        #expect(media.parameter("missing") == nil)
    }

    @Test func whitespaceAroundTheTypeAndParametersIsOptional() throws {
        #expect(MediaType(" \tapplication/json \t")?.essence == "application/json")
        let media = try #require(MediaType("text/plain \t;\t charset=utf-8 ;a=b"))
        #expect(media.parameters.map(\.name) == ["charset", "a"])
        #expect(MediaType("text/plain;")?.parameters.isEmpty == true)
        #expect(MediaType("text/plain;;; ;")?.essence == "text/plain", "empty parameters are allowed")
    }

    @Test func quotedStringsAreUnquotedAndUnescaped() throws {
        let media = try #require(MediaType(#"multipart/form-data; boundary="a; b=\"c\"\\d"; x="""#))
        #expect(media.parameter("boundary") == #"a; b="c"\d"#, "a ; inside quotes does not end the parameter")
        #expect(media.parameter("x") == "", "an empty quoted string is a value")
    }

    @Test func malformedParametersAreSkippedAndTheRestStands() throws {
        let media = try #require(MediaType(#"text/plain; noequals; =x; a=; b =1; c=two words; d="open; e=5"#))
        // No `=`, no name, no value, a space before `=`, a space in a bare value: each is skipped. The quote of
        // `d` never closes, so `; e=5` is inside it, and `d` is dropped with it.
        #expect(media.parameters.isEmpty)
        let later = try #require(MediaType("text/plain; c=two words; e=5; f=6"))
        #expect(later.parameters.map(\.name) == ["e", "f"])
        #expect(later.essence == "text/plain")
    }

    @Test func anythingButTokenSlashTokenIsNotAMediaType() {
        for invalid in [
            "", " ", "text", "text/", "/html", "text/ html", "text /html", "text/html extra", "text/html,text/plain",
            "te xt/html", "text/html/x", "tëxt/html", "\"text/html\"", "; charset=utf-8",
        ] {
            #expect(MediaType(invalid) == nil, "\(invalid)")
        }
    }

    @Test func parsesBytesAsWellAsText() {
        #expect(MediaType(Array("application/x-www-form-urlencoded".utf8))?.subtype == "x-www-form-urlencoded")
        #expect(MediaType(Array("Application/JSON;charset=utf-8".utf8)[0...])?.essence == "application/json")
    }

    @Test func requestsReadTheirContentTypeThroughIt() {
        func request(_ contentType: String?) -> HTTPRequest {
            HTTPRequest(
                method: "POST", target: "/", headers: HTTPHeaders(contentType.map { [("Content-Type", $0)] } ?? []))
        }
        #expect(request("Application/JSON; charset=utf-8").mediaType == "application/json")
        #expect(request(" text/html ").mediaType == "text/html")
        #expect(request("not a media type").mediaType == nil)
        #expect(request(nil).mediaType == nil)
    }

    @Test func formDecodingAcceptsTheMediaTypeInAnyCaseWithParameters() throws {
        let body = Array("a=1".utf8)
        for contentType in ["application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded; charset=UTF-8"] {
            let request = HTTPRequest(
                method: "POST", target: "/", headers: HTTPHeaders([("Content-Type", contentType)]), body: body)
            #expect(try request.formFields()["a"] == "1")
        }
        for contentType in ["application/json", "application/x-www-form-urlencoded-x", "application"] {
            let request = HTTPRequest(
                method: "POST", target: "/", headers: HTTPHeaders([("Content-Type", contentType)]), body: body)
            #expect(throws: HTTPError.self) { try request.formFields() }
        }
    }
}
