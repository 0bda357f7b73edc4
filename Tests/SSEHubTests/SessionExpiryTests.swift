import DemoApp
import SSEHub
import Synchronization
import Testing

/// Sliding sessions over sockets and a real SQLite file: when the server moves a session's expiry, the
/// browser's cookie moves with it.
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
}
