import DemoApp
import Glibc
import Testing

/// Sign-up, login and logout against the real `hub` with its demo site, over sockets, on a fresh SQLite file.
@Suite struct AccountPagesTests {
    func startHub() throws -> (HubProcess, String) {
        let database = SQLiteDatabaseFile.fresh()
        let hub = try HubProcess(arguments: ["--web-root", DemoSiteTests.webRoot, "--database", database])
        return (hub, database)
    }

    func signUp(_ browser: TestBrowser, email: String, password: String = "correct horse") throws -> TestResponse {
        let form = try browser.get("/signup")
        let token = try #require(TestBrowser.csrfToken(in: form))
        return try browser.post(
            "/signup", [("csrf_token", token), ("email", email), ("name", "Ada"), ("password", password)])
    }

    @Test func signUpPageIssuesAVisitorTokenUnderASelfOnlyPolicy() throws {
        let (hub, _) = try startHub()
        let browser = TestBrowser(port: hub.port)
        let page = try browser.get("/signup")
        #expect(page.status == 200)
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
        #expect(page.header("X-Content-Type-Options") == "nosniff")
        #expect(page.header("Set-Cookie")?.contains("HttpOnly; SameSite=Lax") == true)
        #expect(TestBrowser.csrfToken(in: page) == browser.cookies["ssehub_visitor"])
        #expect(!page.text.contains("<script>"), "no inline script")
    }

    @Test func signUpLogsInAndTheAccountSurvivesKill9() throws {
        let (hub, database) = try startHub()
        let browser = TestBrowser(port: hub.port)
        let done = try signUp(browser, email: "ada@example.com")
        #expect(done.status == 303 && done.header("Location") == "/boards")
        let cookie = done.headers.first { $0.0 == "Set-Cookie" && $0.1.hasPrefix("ssehub_session=") }?.1 ?? ""
        #expect(cookie.contains("Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax"))
        // Acknowledged means stored: the file has the user after the hub dies without a chance to flush.
        kill(hub.pid, SIGKILL)
        let stored = try SQLiteDatabase(path: database)
        // Besides the welcome board's owner, whom the site makes on first start.
        let people = "FROM users WHERE email <> 'welcome@ssehub.invalid'"
        #expect(try stored.query("SELECT email, name \(people)") == [["ada@example.com", "Ada"]])
        let hashes = try stored.query("SELECT password_hash \(people)").compactMap { $0.first?.text }
        #expect(hashes.allSatisfy { $0.hasPrefix("$argon2id$") && !$0.contains("correct horse") })
        #expect(try stored.query("SELECT count(*) FROM sessions").first?.first == 1)
    }

    @Test func aWrongFormIsShownAgainWithWhatWasTypedButThePassword() throws {
        let (hub, _) = try startHub()
        let browser = TestBrowser(port: hub.port)
        let short = try signUp(browser, email: "bob@example.com", password: "123456789")
        #expect(short.status == 422)
        #expect(short.text.contains(#"value="bob@example.com""#))
        #expect(short.text.contains("Use at least 10 characters."))
        #expect(!short.text.contains("123456789"))
        #expect(try signUp(browser, email: "bob@example.com").status == 303)
        let again = try signUp(TestBrowser(port: hub.port), email: "BOB@example.com")
        #expect(again.status == 422 && again.text.contains("already exists"))
        // Markup typed into a field comes back as text.
        let hostile = try signUp(TestBrowser(port: hub.port), email: "<b>x</b>", password: "123")
        #expect(hostile.text.contains("&lt;b&gt;x&lt;/b&gt;") && !hostile.text.contains("<b>x</b>"))
    }

    @Test func stateChangesNeedThisSiteAndTheToken() throws {
        let (hub, _) = try startHub()
        let browser = TestBrowser(port: hub.port)
        let token = try #require(TestBrowser.csrfToken(in: try browser.get("/login")))
        let fields = [("csrf_token", token), ("email", "a@example.com"), ("password", "0123456789")]
        #expect(try browser.post("/login", fields, site: "cross-site").status == 403)
        #expect(try browser.post("/login", fields, site: nil).status == 403)
        #expect(try browser.post("/login", fields, site: nil, headers: [("Origin", "http://evil.test")]).status == 403)
        #expect(
            try browser.post("/login", [("csrf_token", "x")] + fields.dropFirst(), site: "same-origin").status == 403)
        #expect(try TestBrowser(port: hub.port).post("/login", fields).status == 403, "a token without its cookie")
        let page = try browser.post("/login", fields, site: nil, headers: [("Origin", "http://test")])
        #expect(page.status == 422, "Origin naming the Host passes (TestSocket sends Host: test)")
        #expect(try browser.send("POST", "/login", headers: [("Content-Type", "text/plain")], body: []).status == 415)
    }

    @Test func loginsAreThrottledAndLogoutEndsTheSessionOnTheServer() throws {
        let (hub, database) = try startHub()
        let browser = TestBrowser(port: hub.port)
        _ = try signUp(browser, email: "c@example.com")
        let visitor = TestBrowser(port: hub.port)
        let token = try #require(TestBrowser.csrfToken(in: try visitor.get("/login")))
        let right = [("csrf_token", token), ("email", "c@example.com"), ("password", "correct horse")]
        let first = try visitor.post("/login", right)
        #expect(first.status == 303 && visitor.cookies["ssehub_session"] != browser.cookies["ssehub_session"])
        for attempt in 1...5 {
            let wrong = try visitor.post(
                "/login", [("csrf_token", token), ("email", "c@example.com"), ("password", "wrong \(attempt)")])
            #expect(wrong.status == 422 && wrong.text.contains("The email or the password is wrong."))
        }
        let throttled = try visitor.post("/login", right)
        #expect(throttled.status == 429)
        #expect(Int(throttled.header("Retry-After") ?? "") ?? 0 > 800)

        // Logout needs the session's own token; then the session is gone from the store.
        #expect(try browser.post("/logout", [("csrf_token", "forged")]).status == 403)
        let csrf = try SQLiteDatabase(path: database).query(
            "SELECT csrf_token FROM sessions")
        let sessions = try SQLiteDatabase(path: database).query("SELECT count(*) FROM sessions").first?.first
        #expect(sessions == 2)
        var loggedOut = false
        for row in csrf {
            let response = try browser.post("/logout", [("csrf_token", row.first?.text ?? "")])
            if response.status == 303 { loggedOut = true }
        }
        #expect(loggedOut && browser.cookies["ssehub_session"] == nil)
        #expect(try SQLiteDatabase(path: database).query("SELECT count(*) FROM sessions").first?.first == 1)
    }
}

enum SQLiteDatabaseFile {
    static func fresh() -> String {
        var template = Array("/tmp/ssehub-demo-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) } + "/demo.sqlite3"
    }
}
