import Testing

/// The demo site in a real `hub` process on a fresh SQLite file, with users who sign up through its forms,
/// for the board tests.
struct BoardFixture {
    let hub: HubProcess
    let database: String

    init(hub: HubProcess, database: String) {
        self.hub = hub
        self.database = database
    }

    init() throws {
        database = SQLiteDatabaseFile.fresh()
        hub = try HubProcess(arguments: ["--web-root", DemoSiteTests.webRoot, "--database", database, "--loops", "2"])
    }

    /// A browser logged in as a new user.
    func user(_ name: String) throws -> TestBrowser {
        let browser = TestBrowser(port: hub.port)
        let form = try browser.get("/signup")
        let token = try #require(TestBrowser.csrfToken(in: form))
        let done = try browser.post(
            "/signup",
            [
                ("csrf_token", token), ("email", "\(name.lowercased())@example.com"), ("name", name),
                ("password", "correct horse battery"),
            ])
        try #require(done.status == 303, "sign-up of \(name) answered \(done.status): \(done.text)")
        return browser
    }

    /// The session's CSRF token, from the boards page.
    func csrf(_ browser: TestBrowser) throws -> String {
        try #require(TestBrowser.csrfToken(in: try browser.get("/boards")))
    }

    /// Creates a board through the form; returns its id.
    func board(_ owner: TestBrowser, name: String = "Launch", visibility: String = "private") throws -> Int64 {
        let done = try owner.post(
            "/boards", [("csrf_token", try csrf(owner)), ("name", name), ("visibility", visibility)])
        let location = try #require(done.header("Location"), "create answered \(done.status): \(done.text)")
        return try #require(Int64(location.dropFirst("/boards/".count)))
    }

    /// An htmx request as the page sends it: the session's token in `X-CSRF-Token`.
    @discardableResult
    func htmx(_ browser: TestBrowser, _ path: String, _ fields: [(String, String)] = []) throws -> TestResponse {
        try browser.post(path, fields, headers: [("X-CSRF-Token", try csrf(browser)), ("HX-Request", "true")])
    }

    /// A card made through the column's form; returns its id (from the stream-free page).
    func card(_ browser: TestBrowser, board: Int64, title: String, column: String = "todo") throws -> Int64 {
        let answer = try htmx(browser, "/boards/\(board)/cards", [("column", column), ("title", title)])
        try #require(answer.status == 204, "create card answered \(answer.status): \(answer.text)")
        let page = try browser.get("/boards/\(board)").text
        let marker = "id=\"card-"
        let ids = page.ranges(of: marker).compactMap { Int64(page[$0.upperBound...].prefix { $0.isNumber }) }
        return try #require(ids.max())
    }

    /// A stream of the board as `browser` opens it (its cookies), from `lastEventID` if given.
    func stream(_ browser: TestBrowser?, board: Int64, lastEventID: String? = nil) throws -> SSEClient {
        var headers: [(String, String)] = []
        if let browser, !browser.cookies.isEmpty {
            headers.append(("Cookie", browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        let query = lastEventID.map { "?last_event_id=\($0)" } ?? ""
        return try SSEClient(port: hub.port, path: "/events/board:\(board)\(query)", headers: headers)
    }

    /// The id a board page subscribes from (its `sse-connect` URL).
    static func lastEventID(in page: TestResponse) throws -> String {
        let marker = "last_event_id="
        let start = try #require(page.text.firstRange(of: marker)?.upperBound)
        return String(page.text[start...].prefix { $0 != "\"" })
    }
}
