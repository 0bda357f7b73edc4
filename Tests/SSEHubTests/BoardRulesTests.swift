import Testing

/// The board's rules at their edges, over real sockets: versions catch a stale save (409, what was typed
/// kept), every field's limit holds at its edge, and whatever is typed is shown as text.
@Suite struct BoardRulesTests {
    static func version(of card: Int64, in page: TestResponse) throws -> String {
        let marker = "id=\"card-\(card)\" data-version=\""
        let start = try #require(page.text.firstRange(of: marker)?.upperBound)
        return String(page.text[start...].prefix { $0.isNumber })
    }

    @Test func aSaveOverSomeoneElsesChangeIsAConflictThatKeepsWhatWasTyped() throws {
        let site = try BoardFixture()
        let (ada, bob) = (try site.user("Ada"), try site.user("Bob"))
        let board = try site.board(ada)
        try #require(try site.htmx(ada, "/boards/\(board)/members", [("email", "bob@example.com")]).status == 200)
        let card = try site.card(ada, board: board, title: "Original")
        let loaded = try Self.version(of: card, in: try ada.get("/boards/\(board)"))
        // Both opened the editor at version 1; Bob saves first.
        let editor = try ada.get("/boards/\(board)/cards/\(card)/edit")
        #expect(editor.status == 200 && editor.text.contains(#"name="version" value="\#(loaded)""#))
        let path = "/boards/\(board)/cards/\(card)"
        #expect(try site.htmx(bob, path, [("title", "Bob's title"), ("body", ""), ("version", loaded)]).status == 200)
        let stale = try site.htmx(ada, path, [("title", "Ada's title"), ("body", "Ada's notes"), ("version", loaded)])
        #expect(stale.status == 409)
        #expect(
            stale.text.contains(#"<strong id="conflict-title">Bob&#39;s title</strong>"#)
                || stale.text.contains("Bob&#x27;s title"))
        #expect(stale.text.contains(#"value="Ada&#39;s title""#) || stale.text.contains("Ada&#x27;s title"))
        #expect(stale.text.contains("Ada&#39;s notes") || stale.text.contains("Ada&#x27;s notes"))
        let board1 = try ada.get("/boards/\(board)").text
        #expect(board1.contains("Bob") && !board1.contains("Ada&#39;s title") && !board1.contains("Ada&#x27;s title"))
        // Saving again from the conflict form is a choice made with the newer version: it wins.
        let current = try Self.version(of: card, in: try ada.get("/boards/\(board)"))
        #expect(current != loaded)
        #expect(try site.htmx(ada, path, [("title", "Ada wins"), ("body", ""), ("version", current)]).status == 200)
        #expect(try ada.get("/boards/\(board)").text.contains("Ada wins"))
    }

    @Test(arguments: [
        ("title", String(repeating: "é", count: 200), 204), ("title", String(repeating: "é", count: 201), 422),
        ("title", "   ", 422), ("title", "tab\u{7}bell", 422),
        ("body", String(repeating: "x", count: 5000), 204), ("body", String(repeating: "x", count: 5001), 422),
        ("column", "later", 422),
    ])
    func aNewCardsFieldsHoldAtTheirLimits(field: String, value: String, status: Int) throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let board = try site.board(ada)
        var fields = ["column": "todo", "title": "A card", "body": ""]
        fields[field] = value
        let answer = try site.htmx(ada, "/boards/\(board)/cards", fields.sorted { $0.key < $1.key })
        #expect(answer.status == status, "\(field) of \(value.count) characters: \(answer.text)")
        let cards = try ada.get("/boards/\(board)").text.ranges(of: "class=\"card\"").count
        #expect(cards == (status == 204 ? 1 : 0))
        if status == 422 { #expect(answer.text.contains("class=\"error\"")) }
    }

    @Test(arguments: [(String(repeating: "b", count: 100), 303), (String(repeating: "b", count: 101), 422), ("", 422)])
    func aBoardsNameHoldsAtItsLimit(name: String, status: Int) throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let answer = try ada.post(
            "/boards", [("csrf_token", try site.csrf(ada)), ("name", name), ("visibility", "public")])
        #expect(answer.status == status)
        #expect(try !ada.get("/boards").text.contains("You have no boards yet") == (status == 303))
    }

    @Test func markupTypedAnywhereIsShownAsText() throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let board = try site.board(ada, name: "<img src=x onerror=alert(1)>")
        _ = try site.card(ada, board: board, title: "<script>alert(1)</script>")
        let page = try ada.get("/boards/\(board)").text
        #expect(!page.contains("<script>alert") && !page.contains("<img src=x"))
        #expect(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && page.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }
}

/// Found by the browser test: SQLite reused the id of the newest card once it was deleted, so a save, move or
/// delete aimed at the deleted card landed on the next card made.
@Suite struct CardIdentityTests {
    @Test func aChangeAimedAtADeletedCardNeverLandsOnANewerOne() throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let board = try site.board(ada)
        let old = try site.card(ada, board: board, title: "Old card")
        let version = try BoardRulesTests.version(of: old, in: try ada.get("/boards/\(board)"))
        #expect(try site.htmx(ada, "/boards/\(board)/cards/\(old)/delete").status == 204)
        let new = try site.card(ada, board: board, title: "New card", column: "doing")
        #expect(new != old, "a new card takes a new id")
        let stale = try site.htmx(
            ada, "/boards/\(board)/cards/\(old)",
            [("title", "Edit of the old card"), ("body", ""), ("version", version)])
        #expect(stale.status == 404)
        #expect(try site.htmx(ada, "/boards/\(board)/cards/\(old)/move", [("column", "done")]).status == 404)
        let page = try ada.get("/boards/\(board)").text
        #expect(page.contains("New card") && !page.contains("Edit of the old card"))
    }
}
