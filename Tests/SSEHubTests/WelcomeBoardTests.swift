import Testing

/// The first thing a newcomer opens: the home page links to a public demo board that exists from the first
/// start, readable by a visitor, live, and changeable by nobody.
@Suite struct WelcomeBoardTests {
    @Test func theHomePageLeadsAVisitorToALiveReadOnlyDemoBoard() throws {
        let site = try BoardFixture()
        let visitor = TestBrowser(port: site.hub.port)
        let home = try visitor.get("/")
        #expect(home.status == 200 && home.text.contains(#"href="/demo""#) && home.text.contains(#"href="/signup""#))
        let demo = try visitor.get("/demo")
        let location = try #require(demo.header("Location"))
        #expect(demo.status == 303 && location.hasPrefix("/boards/"))
        let page = try visitor.get(location)
        #expect(page.status == 200 && page.text.contains("Welcome to SSEHub") && page.text.contains("access-read"))
        #expect(page.text.ranges(of: "class=\"card\"").count == 4)
        let id = try #require(Int64(location.dropFirst("/boards/".count)))
        #expect(try site.stream(visitor, board: id).readHead() == 200)
        // Its owner cannot log in, and a signed-up user may read but not change it.
        let login = try visitor.get("/login")
        let token = try #require(TestBrowser.csrfToken(in: login))
        let refused = try visitor.post(
            "/login", [("csrf_token", token), ("email", "welcome@ssehub.invalid"), ("password", "!")])
        #expect(refused.status != 303)
        let ada = try site.user("Ada")
        #expect(try site.htmx(ada, "\(location)/cards", [("column", "todo"), ("title", "Mine")]).status == 403)
    }
}
