import DemoApp
import SSEHub
import Synchronization
import Testing

/// Sliding sessions over sockets and a real SQLite file: when the server moves a session's expiry, the
/// browser's cookie moves with it; a session past its expiry is logged out and its row deleted.
@Suite struct SessionExpiryTests {
    /// Seconds since the epoch, moved by the test: a day or a month passes in one call.
    final class MovableClock: Sendable {
        let seconds = Atomic<Int64>(1_800_000_000)
        func advance(_ delta: Int64) { seconds.add(delta, ordering: .relaxed) }
        var now: Int64 { seconds.load(ordering: .relaxed) }
    }

    /// What a browser keeps of the session cookie: the token and when the browser will drop it.
    struct KeptCookie {
        var token: String
        var expiresAt: Int64
        var header: String
    }

    /// The session's `Set-Cookie` in `response`, with the time the browser drops it (now plus `Max-Age`).
    static func sessionCookie(in response: TestResponse, now: Int64) -> KeptCookie? {
        guard
            let header = response.headers.first(where: {
                $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("ssehub_session=")
            })?.1
        else { return nil }
        let attributes = header.split(separator: ";").map { $0.trimmingPrefix(" ") }
        let token = String(attributes[0].dropFirst("ssehub_session=".count))
        let maxAge = attributes.first { $0.hasPrefix("Max-Age=") }.flatMap { Int64($0.dropFirst("Max-Age=".count)) }
        return KeptCookie(token: token, expiresAt: now + (maxAge ?? 0), header: header)
    }

    /// The demo site in this process with `clock`, on a hub over real sockets and a fresh SQLite file.
    func withSite(_ clock: MovableClock, _ body: (Hub, SQLiteDatabase) throws -> Void) throws {
        var settings = DemoSettings()
        settings.databasePath = SQLiteDatabaseFile.fresh()
        settings.workers = 1
        settings.clock = { clock.now }
        let site = try DemoSite.open(settings)
        defer { site.shutdown() }
        try withHub(
            { $0.templatesDirectory = DemoSiteTests.webRoot + "/templates" }, routes: { site.register(in: &$0) }
        ) { hub in
            try body(hub, try SQLiteDatabase(path: settings.databasePath))
        }
    }

    @Test func whenTheSessionSlidesTheCookieIsSentAgainWithTheSameTokenAndAFullLifetime() throws {
        let policy = DemoSettings().accounts
        #expect(policy.sessionExtensionInterval == 24 * 3600, "at most one slide (a write and a Set-Cookie) a day")
        let clock = MovableClock()
        try withSite(clock) { hub, database in
            func storedExpiry() throws -> Int64? {
                try database.query("SELECT expires_at FROM sessions").first?.first?.integer
            }
            let browser = TestBrowser(port: hub.port)
            let signedUp = try AccountPagesTests().signUp(browser, email: "slide@example.com")
            var kept = try #require(Self.sessionCookie(in: signedUp, now: clock.now))
            #expect(kept.expiresAt == clock.now + policy.sessionLifetime)
            #expect(try storedExpiry() == kept.expiresAt)

            // One second short of the interval: nothing slides, so nothing is written or sent again.
            clock.advance(policy.sessionExtensionInterval - 1)
            let quiet = try browser.get("/account")
            #expect(quiet.status == 200 && quiet.text.contains("slide@example.com"))
            #expect(Self.sessionCookie(in: quiet, now: clock.now) == nil)
            #expect(try storedExpiry() == kept.expiresAt)

            // At the interval the server's expiry slides, and the cookie follows: same token, full Max-Age.
            clock.advance(1)
            let slid = try browser.get("/account")
            #expect(slid.status == 200)
            let refreshed = try #require(
                Self.sessionCookie(in: slid, now: clock.now), "the server slid the session but not the cookie")
            #expect(refreshed.token == kept.token)
            #expect(refreshed.header == "ssehub_session=\(kept.token); Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax")
            #expect(try storedExpiry() == clock.now + policy.sessionLifetime)
            #expect(refreshed.expiresAt == clock.now + policy.sessionLifetime)
            kept = refreshed

            // A second past the first cookie's 30 days: without the re-sent cookie the browser would have
            // dropped it here while the server still held the session. Both are alive.
            clock.advance(policy.sessionLifetime - policy.sessionExtensionInterval + 1)
            #expect(clock.now < kept.expiresAt, "the browser still holds the cookie")
            let later = try browser.get("/account")
            #expect(later.status == 200 && later.text.contains("slide@example.com"))
            kept = try #require(Self.sessionCookie(in: later, now: clock.now))

            // Thirty idle days later the browser's cookie and the server's session end at the same second.
            clock.advance(policy.sessionLifetime)
            #expect(clock.now >= kept.expiresAt)
            #expect(try storedExpiry() == clock.now)
            let expired = try browser.get("/account")
            #expect(expired.status == 303 && expired.header("Location") == "/login")
            #expect(try database.query("SELECT count(*) FROM sessions").first?.first == 0)
        }
    }

    @Test func anExpiredSessionIsLoggedOutEverywhereAndItsRowDeleted() throws {
        let pages = AccountPagesTests()
        let (hub, path) = try pages.startHub()
        let database = try SQLiteDatabase(path: path)
        let ageEverySession = "UPDATE sessions SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) - 1"
        func sessionCount() throws -> SQLiteValue? { try database.query("SELECT count(*) FROM sessions").first?.first }

        let browser = TestBrowser(port: hub.port)
        #expect(try pages.signUp(browser, email: "old@example.com").status == 303)
        #expect(try browser.get("/account").status == 200)

        // A browser's navigation: to the login page, the stale cookie deleted, the row gone.
        try database.execute(ageEverySession)
        let page = try browser.get("/account")
        #expect(page.status == 303 && page.header("Location") == "/login")
        #expect(page.header("Set-Cookie") == "ssehub_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
        #expect(try sessionCount() == 0)

        // htmx and JSON clients get a 401 saying why (htmx follows HX-Redirect to the login page).
        let visitor = TestBrowser(port: hub.port)
        let token = try #require(TestBrowser.csrfToken(in: try visitor.get("/login")))
        let login = [("csrf_token", token), ("email", "old@example.com"), ("password", "correct horse")]
        #expect(try visitor.post("/login", login).status == 303)
        let cookie = try #require(visitor.cookies["ssehub_session"])
        try database.execute(ageEverySession)
        for headers in [[("HX-Request", "true")], [("Accept", "application/json")]] {
            let answer = try TestSocket(port: hub.port).exchange(
                "GET", "/account", headers: headers + [("Cookie", "ssehub_session=\(cookie)")])
            #expect(answer.status == 401 && answer.text.contains("log in to see this page"), "\(headers)")
            #expect(answer.header("HX-Redirect") == "/login")
            #expect(answer.header("Set-Cookie")?.hasPrefix("ssehub_session=; Max-Age=0") == true)
        }
        #expect(try sessionCount() == 0)

        // No cookie, or one that is not a token, is the same logged-out answer; a live session still opens.
        #expect(try TestHTTP.get(hub.port, "/account").header("Location") == "/login")
        #expect(try TestHTTP.get(hub.port, "/account", headers: [("Cookie", "ssehub_session=x")]).status == 303)
        #expect(try pages.signUp(TestBrowser(port: hub.port), email: "new@example.com").status == 303)
        #expect(try sessionCount() == 1)
    }
}
