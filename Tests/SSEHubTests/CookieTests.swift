import SSEHub
import Testing

@Suite struct CookieTests {
    func request(cookie values: [String]) -> HTTPRequest {
        HTTPRequest(method: "GET", target: "/", headers: HTTPHeaders(values.map { ("Cookie", $0) }))
    }

    @Test func readsThePairsOfEveryCookieHeaderInOrder() {
        let parsed = request(cookie: ["session=abc; theme=dark", "a=1;b=2; empty=; =nameless; flag; q=\"x y\""])
        #expect(parsed.cookies.map(\.name) == ["session", "theme", "a", "b", "empty", "q"])
        #expect(parsed.cookie(named: "theme") == "dark")
        #expect(parsed.cookie(named: "empty") == "")
        #expect(parsed.cookie(named: "q") == "\"x y\"")
        #expect(parsed.cookie(named: "missing") == nil)
        #expect(request(cookie: ["s=first; s=second"]).cookie(named: "s") == "first")
        #expect(request(cookie: []).cookies.isEmpty)
    }

    @Test func setCookieDefaultsToHttpOnlyLaxAndRootPath() {
        #expect(SetCookie(name: "session", value: "tok").headerValue == "session=tok; Path=/; HttpOnly; SameSite=Lax")
        var secure = SetCookie(name: "session", value: "tok", maxAge: 2_592_000)
        secure.secure = true
        secure.sameSite = .strict
        #expect(secure.headerValue == "session=tok; Max-Age=2592000; Path=/; Secure; HttpOnly; SameSite=Strict")
        #expect(SetCookie.expiring("session").headerValue == "session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
        var response = HTTPResponse.redirect(to: "/boards")
        response.setCookie(SetCookie(name: "a", value: "1"))
        response.setCookie(SetCookie(name: "b", value: "2"))
        #expect(response.headers.filter { $0.0 == "Set-Cookie" }.count == 2, "one header per cookie")
        #expect(response.status == .seeOther && response.header("location") == "/boards")
    }

    @Test func htmlAndHTMXResponses() {
        let page = HTTPResponse.html(.unprocessableContent, "<p>x</p>").adding(HTMXHeader.retarget, "#errors")
        #expect(page.status.code == 422)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.header("HX-Retarget") == "#errors")
        #expect(page.body == Array("<p>x</p>".utf8))
    }
}
