import DemoApp
import Testing

/// Every field of the account forms, sent with a value that is not UTF-8 once percent-decoded: a 400 naming
/// the field, nothing stored, the hub still serving, and the same form with a good value still working.
@Suite struct AccountFormUTF8Tests {
    /// The forms and their fields, with a good value for each.
    static let forms: [String: [(String, String)]] = [
        "/signup": [("email", "utf8@example.com"), ("name", "Ada"), ("password", "correct horse")],
        "/login": [("email", "utf8@example.com"), ("password", "correct horse")],
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        let path: String
        let field: String
        var testDescription: String { "\(path) \(field)" }
    }

    static let cases: [Case] = ["/signup", "/login"].flatMap { path in
        (forms[path]!.map(\.0) + ["csrf_token"]).map { Case(path: path, field: $0) }
    }

    /// A byte that never starts UTF-8, a sequence cut short, a UTF-16 surrogate, an overlong "/", and a stray
    /// continuation byte between good text (Unicode 15, table 3-7).
    static let invalid = ["%FF", "%C3", "%ED%A0%80", "%C0%AF", "ok%80ok"]

    @Test(arguments: cases) func aFieldThatIsNotUTF8IsRefusedByNameAndChangesNothing(_ test: Case) throws {
        let pages = AccountPagesTests()
        let (hub, path) = try pages.startHub()
        let database = try SQLiteDatabase(path: path)
        let browser = TestBrowser(port: hub.port)
        if test.path == "/login" {
            #expect(try pages.signUp(TestBrowser(port: hub.port), email: "utf8@example.com").status == 303)
        }
        func counts() throws -> [[SQLiteValue]] {
            try database.query(
                """
                SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM sessions),
                  (SELECT count(*) FROM login_failures)
                """)
        }
        let before = try counts()
        let token = try #require(TestBrowser.csrfToken(in: try browser.get(test.path)))
        let fields = Self.forms[test.path]! + [("csrf_token", token)]
        func post(_ value: (String, String) -> String) throws -> TestResponse {
            let body = fields.map { "\($0.0)=\(value($0.0, $0.1))" }.joined(separator: "&")
            return try browser.send(
                "POST", test.path,
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Sec-Fetch-Site", "same-origin")],
                body: Array(body.utf8))
        }

        for bad in Self.invalid {
            let refused = try post { name, good in name == test.field ? bad : TestBrowser.encoded(good) }
            #expect(refused.status == 400, "\(bad)")
            #expect(
                refused.text.contains(#"form field \"\#(test.field)\" is not valid UTF-8"#), "\(bad): \(refused.text)")
        }
        #expect(try counts() == before, "a refused form stored nothing: no user, session or login failure")
        #expect(hub.isRunning)

        let accepted = try post { _, good in TestBrowser.encoded(good) }
        #expect(accepted.status == 303 && accepted.header("Location") == "/boards")
    }
}
