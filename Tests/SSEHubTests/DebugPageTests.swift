import Testing

/// The `hub` executable's debug page over real sockets: off without an admin token, behind it otherwise, its
/// cookie a hash of the token, its POSTs refused from another origin. (Chromium drives the page itself in
/// Tests/Browser/debug_page_test.py.)
@Suite struct DebugPageTests {
    static let token = "debug-token-42"

    func startHub(_ extra: [String] = ["--admin-token", Self.token]) throws -> HubProcess {
        try HubProcess(
            arguments: ["--web-root", DemoSiteTests.webRoot, "--database", SQLiteDatabaseFile.fresh()] + extra)
    }

    @Test func withoutAnAdminTokenThePageIsOff() throws {
        let hub = try startHub([])
        let page = try TestHTTP.get(hub.port, "/debug")
        #expect(page.status == 404 && page.text.contains("--admin-token"))
        #expect(try TestHTTP.get(hub.port, "/debug/totals").status == 404)
    }

    @Test func signingInTakesTheTokenFromThisOriginAndSetsAHashedStrictCookie() throws {
        let hub = try startHub()
        let browser = TestBrowser(port: hub.port)
        let form = try browser.get("/debug")
        #expect(form.status == 200 && form.text.contains(#"name="token""#))
        #expect(form.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
        #expect(try browser.get("/debug/totals").status == 401)

        #expect(try browser.post("/debug/session", [("token", Self.token)], site: "cross-site").status == 403)
        #expect(try browser.post("/debug/session", [("token", Self.token)], site: nil).status == 403)
        let wrong = try browser.post("/debug/session", [("token", Self.token + "x")])
        #expect(wrong.status == 401 && wrong.text.contains("not the admin token"))
        #expect(browser.cookies["ssehub_admin"] == nil)

        let signedIn = try browser.post("/debug/session", [("token", Self.token)])
        #expect(signedIn.status == 303 && signedIn.header("Location") == "/debug")
        let cookie = try #require(signedIn.header("Set-Cookie"))
        #expect(cookie.hasSuffix("; Path=/debug; HttpOnly; SameSite=Strict"))
        #expect(!cookie.contains(Self.token), "the cookie holds a hash, never the token")
        let page = try browser.get("/debug?channel=ops")
        #expect(page.status == 200 && page.text.contains(#"data-stream="/events/ops""#))
        let totals = try browser.get("/debug/totals")
        #expect(totals.status == 200 && totals.text.contains("<td>ok</td>"))

        // A bad channel name is said on the page, not a broken stream.
        let bad = try browser.get("/debug?channel=two%20words")
        #expect(bad.status == 200 && bad.text.contains("role=\"alert\"") && !bad.text.contains("data-stream"))

        #expect(try browser.post("/debug/logout", []).status == 303)
        #expect(try browser.get("/debug/totals").status == 401)
    }

    @Test func aTestEventFromThePageIsPublishedAndItsNumbersShow() throws {
        let hub = try startHub()
        let browser = TestBrowser(port: hub.port)
        _ = try browser.post("/debug/session", [("token", Self.token)])
        let subscriber = try SSEClient(port: hub.port, path: "/events/ops")
        try subscriber.readHead()
        let fields = [("channel", "ops"), ("event", "note"), ("data", "<i>test</i>")]
        #expect(try browser.post("/debug/publish", fields, site: "cross-site").status == 403)
        let published = try browser.post("/debug/publish", fields)
        #expect(published.status == 200 && published.text.contains("to 1 subscriber"))
        try subscriber.waitForEvents(1)
        #expect(subscriber.events[0].event == "note" && subscriber.events[0].data == "<i>test</i>")
        let numbers = try browser.get("/debug/channels/ops")
        #expect(numbers.text.contains("<dt>Events published</dt><dd>1</dd>"))
        #expect(numbers.text.contains("<code>\(subscriber.events[0].id ?? "?")</code>"))
        let list = try browser.get("/debug/channels")
        #expect(list.text.contains(#"<a href="/debug?channel=ops">ops</a>"#))
        // What a visitor typed is escaped where it shows: a refused name is quoted, never markup.
        let refused = try browser.get("/debug?channel=%3Cb%3Ebold")
        #expect(refused.text.contains("&lt;b&gt;bold") && !refused.text.contains("<b>bold"))
        // With the token as a bearer (scripts), no cookie is needed.
        let bearer = try TestHTTP.get(hub.port, "/debug/totals", headers: [("Authorization", "Bearer \(Self.token)")])
        #expect(bearer.status == 200)
    }
}
