import Testing

/// Who may see and change a board, over real sockets against a real SQLite file: a private board does not
/// exist for others (404 page, 403 stream), a public one is read by anyone and changed by members only, every
/// change needs the session's CSRF token, and board channels cannot be published over HTTP.
@Suite struct BoardAccessTests {
    @Test func aPrivateBoardExistsOnlyForItsMembers() throws {
        let site = try BoardFixture()
        let (ada, bob) = (try site.user("Ada"), try site.user("Bob"))
        let visitor = TestBrowser(port: site.hub.port)
        let board = try site.board(ada, name: "Secret plans")
        #expect(try ada.get("/boards/\(board)").status == 200)
        for outsider in [bob, visitor] {
            let page = try outsider.get("/boards/\(board)")
            #expect(page.status == 404 && !page.text.contains("Secret plans"))
            let stream = try site.stream(outsider, board: board)
            #expect(try stream.readHead() == 403)
        }
        #expect(!(try bob.get("/boards").text.contains("Secret plans")))
        // Added, Bob sees it; removed, it is gone again.
        let added = try site.htmx(ada, "/boards/\(board)/members", [("email", "bob@example.com")])
        #expect(added.status == 200)
        #expect(try bob.get("/boards/\(board)").status == 200)
        #expect(try bob.get("/boards").text.contains("Secret plans"))
        let bobID = try #require(BoardFixture.memberID(of: "Bob", in: try ada.get("/boards/\(board)")))
        #expect(try site.htmx(ada, "/boards/\(board)/members/\(bobID)/remove").status == 204)
        #expect(try bob.get("/boards/\(board)").status == 404)
    }

    @Test func aPublicBoardIsReadByAnyoneAndChangedByMembersOnly() throws {
        let site = try BoardFixture()
        let (ada, eve) = (try site.user("Ada"), try site.user("Eve"))
        let board = try site.board(ada, name: "Roadmap", visibility: "public")
        _ = try site.card(ada, board: board, title: "Ship it")
        let visitor = TestBrowser(port: site.hub.port)
        let page = try visitor.get("/boards/\(board)")
        #expect(page.status == 200 && page.text.contains("Ship it") && page.text.contains("access-read"))
        #expect(try site.stream(visitor, board: board).readHead() == 200)
        let refused = try site.htmx(eve, "/boards/\(board)/cards", [("column", "todo"), ("title", "Mine now")])
        #expect(refused.status == 403 && refused.text.contains("only members"))
        #expect(try site.htmx(eve, "/boards/\(board)/name", [("name", "Taken")]).status == 403)
        #expect(!(try visitor.get("/boards/\(board)").text.contains("Mine now")))
        // The visitor has no session at all: a change needs a login.
        let anonymous = try visitor.post(
            "/boards/\(board)/cards", [("column", "todo"), ("title", "x")], headers: [("HX-Request", "true")])
        #expect(anonymous.status == 401)
    }

    @Test func everyChangeNeedsTheSessionsTokenFromThisSite() throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let board = try site.board(ada)
        let path = "/boards/\(board)/cards"
        let fields = [("column", "todo"), ("title", "Forged")]
        #expect(try ada.post(path, fields, headers: [("HX-Request", "true")]).status == 403)
        #expect(try ada.post(path, fields, headers: [("X-CSRF-Token", "not-the-token")]).status == 403)
        let token = try site.csrf(ada)
        #expect(try ada.post(path, fields, site: "cross-site", headers: [("X-CSRF-Token", token)]).status == 403)
        #expect(try ada.post(path, fields, headers: [("X-CSRF-Token", token)]).status == 204)
        let cards = try ada.get("/boards/\(board)").text.ranges(of: "class=\"card\"").count
        #expect(cards == 1)
    }

    @Test(arguments: [
        ("application/x-www-form-urlencoded", "channel=board:1&data=%3Cscript%3E"),
        ("application/x-www-form-urlencoded", "channel=news&channel=board:1&data=x"),
        ("application/json", #"{"channel": "board:1", "data": "<script>"}"#),
        ("application/json", #"{"channels": ["news", "board:1"], "data": "x"}"#),
    ])
    func boardChannelsCannotBePublishedOverHTTP(contentType: String, body: String) throws {
        let site = try BoardFixture()
        let answer = try TestSocket(port: site.hub.port).exchange(
            "POST", "/broadcast", headers: [("Content-Type", contentType)], body: Array(body.utf8))
        #expect(answer.status == 403 && answer.text.contains("published by the site itself"))
        #expect(try TestHTTP.postForm(site.hub.port, "channel=news&data=fine").status == 200)
    }
}

extension BoardFixture {
    /// The user id in a member's Remove button on the board page.
    static func memberID(of name: String, in page: TestResponse) -> Int64? {
        let text = page.text
        guard let entry = text.firstRange(of: "<li>\(name) ")?.upperBound,
            let button = text[entry...].firstRange(of: "/members/")?.upperBound
        else { return nil }
        return Int64(text[button...].prefix { $0.isNumber })
    }
}
