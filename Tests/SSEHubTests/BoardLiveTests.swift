import SSEHub
import Testing

/// The board's live updates over real sockets: every committed change reaches every open stream once, in
/// order, as htmx out-of-band fragments; a page rendered from the database subscribes from the id its data
/// stands at; presence counts viewers; a removed member is told in-band.
@Suite struct BoardLiveTests {
    /// The board's unnamed events that carry a card (presence counts go out the same way).
    static func cardEvents(_ client: SSEClient) -> [String] {
        client.events.filter { $0.event == "message" && $0.data.contains("card-") }.map(\.data)
    }

    @Test func everyChangeReachesEveryOpenStreamOnceInCommitOrder() throws {
        let site = try BoardFixture()
        let (ada, bob) = (try site.user("Ada"), try site.user("Bob"))
        let board = try site.board(ada)
        try #require(try site.htmx(ada, "/boards/\(board)/members", [("email", "bob@example.com")]).status == 200)
        let streams = [try site.stream(ada, board: board), try site.stream(bob, board: board)]
        for stream in streams { try #require(try stream.readHead() == 200) }
        let card = try site.card(bob, board: board, title: "Draft <b>plan</b>")
        let page = try ada.get("/boards/\(board)").text
        let version = try #require(
            page.firstRange(of: "id=\"card-\(card)\" data-version=\"").map {
                page[$0.upperBound...].prefix { $0.isNumber }
            })
        #expect(
            try site.htmx(
                ada, "/boards/\(board)/cards/\(card)",
                [("title", "Plan"), ("body", "Line 1\nLine 2"), ("version", String(version))]
            ).status == 200)
        #expect(try site.htmx(bob, "/boards/\(board)/cards/\(card)/move", [("column", "done")]).status == 204)
        #expect(try site.htmx(ada, "/boards/\(board)/cards/\(card)/delete").status == 204)
        for stream in streams {
            try eventually("four card events") {
                try? stream.waitForEvents(stream.events.count + 1, timeout: 0.2)
                return Self.cardEvents(stream).count >= 4
            }
            let events = Self.cardEvents(stream)
            #expect(events.count == 4, "\(events)")
            #expect(events[0].contains(#"hx-swap-oob="beforeend:#column-todo""#))
            #expect(events[0].contains("Draft &lt;b&gt;plan&lt;/b&gt;") && !events[0].contains("<b>plan"))
            #expect(events[1].contains(#"id="card-\#(card)" data-version="2" hx-swap-oob="true""#))
            #expect(events[1].contains("Line 1\nLine 2"))
            #expect(events[2].contains(#"hx-swap-oob="delete""#) && events[2].contains("beforeend:#column-done"))
            #expect(events[3].contains(#"<div id="card-\#(card)" hx-swap-oob="delete">"#))
            let ids = stream.events.compactMap { $0.id.flatMap(EventID.init) }
            #expect(ids == ids.sorted(), "ids rise")
        }
    }

    @Test func aPageSubscribesFromTheIDItsDataStandsAt() throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let board = try site.board(ada)
        _ = try site.card(ada, board: board, title: "Before the page")
        let page = try ada.get("/boards/\(board)")
        #expect(page.text.contains("Before the page"))
        let renderedAt = try BoardFixture.lastEventID(in: page)
        #expect(!renderedAt.isEmpty)
        _ = try site.card(ada, board: board, title: "After the page")
        // The page subscribes later: it gets exactly what changed after its data, not what it already shows.
        let stream = try site.stream(ada, board: board, lastEventID: renderedAt)
        #expect(try stream.readHead() == 200)
        try eventually("the later card") {
            try? stream.waitForEvents(stream.events.count + 1, timeout: 0.2)
            return Self.cardEvents(stream).contains { $0.contains("After the page") }
        }
        #expect(!Self.cardEvents(stream).contains { $0.contains("Before the page") })
        #expect(!stream.events.contains { $0.event == "reset" })
    }

    @Test func presenceCountsTheBoardsViewers() throws {
        let site = try BoardFixture()
        let ada = try site.user("Ada")
        let board = try site.board(ada, visibility: "public")
        let first = try site.stream(ada, board: board)
        try first.readHead()
        let viewing = { (client: SSEClient) in
            client.events.filter { $0.data.contains(#"id="presence""#) }.last?.data ?? ""
        }
        try eventually("1 viewing") {
            try? first.waitForEvents(first.events.count + 1, timeout: 0.2)
            return viewing(first).contains("1 person viewing")
        }
        var second: SSEClient? = try site.stream(nil, board: board)
        try second?.readHead()
        for client in [first, second!] {
            try eventually("2 viewing") {
                try? client.waitForEvents(client.events.count + 1, timeout: 0.2)
                return viewing(client).contains("2 people viewing")
            }
        }
        second = nil  // its socket closes
        try eventually("1 viewing again") {
            try? first.waitForEvents(first.events.count + 1, timeout: 0.2)
            return viewing(first).contains("1 person viewing") && first.events.count > 2
        }
    }

    @Test func aRemovedMemberIsToldInBandAndRefusedOnReconnect() throws {
        let site = try BoardFixture()
        let (ada, bob) = (try site.user("Ada"), try site.user("Bob"))
        let board = try site.board(ada)
        try #require(try site.htmx(ada, "/boards/\(board)/members", [("email", "bob@example.com")]).status == 200)
        let page = try bob.get("/boards/\(board)")
        let bobID = try #require(BoardFixture.memberID(of: "Bob", in: try ada.get("/boards/\(board)")))
        #expect(page.text.contains(#"sse-close="removed-\#(bobID)""#))
        let stream = try site.stream(bob, board: board)
        try stream.readHead()
        #expect(try site.htmx(ada, "/boards/\(board)/members/\(bobID)/remove").status == 204)
        try eventually("the removal event") {
            try? stream.waitForEvents(stream.events.count + 1, timeout: 0.2)
            return stream.events.contains { $0.event == "removed-\(bobID)" }
        }
        #expect(try site.stream(bob, board: board, lastEventID: stream.lastEventID).readHead() == 403)
    }
}

/// Two hubs sharing one Redis and one database file: a change made through hub A reaches a stream on hub B.
@Suite(.serialized) struct BoardGroupTests {
    @Test func aChangeMadeOnOneHubAppearsOnTheOther() throws {
        let redis = try RedisServer()
        let database = SQLiteDatabaseFile.fresh()
        let arguments = [
            "--web-root", DemoSiteTests.webRoot, "--database", database, "--redis", "127.0.0.1:\(redis.port)",
        ]
        let (a, b) = (try HubProcess(arguments: arguments), try HubProcess(arguments: arguments))
        for hub in [a, b] {
            try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        }
        let siteA = BoardFixture(hub: a, database: database)
        let siteB = BoardFixture(hub: b, database: database)
        let ada = try siteA.user("Ada")
        let board = try siteA.board(ada, visibility: "public")
        let onB = try siteB.stream(nil, board: board)
        #expect(try onB.readHead() == 200)
        try eventually("hub B subscribed to the board in Redis") {
            (try? redis.command("PUBSUB NUMSUB ssehub:channel:board:\(board)"))?.hasSuffix(":1\r\n") == true
        }
        _ = try siteA.card(ada, board: board, title: "Made on A")
        try eventually("the card on hub B") {
            try? onB.waitForEvents(onB.events.count + 1, timeout: 0.2)
            return BoardLiveTests.cardEvents(onB).contains { $0.contains("Made on A") }
        }
        // The page B renders from the shared file subscribes from the id A's change went out with.
        let page = try TestBrowser(port: b.port).get("/boards/\(board)")
        #expect(page.text.contains("Made on A"))
        #expect(try BoardFixture.lastEventID(in: page) == onB.events.last { $0.data.contains("Made on A") }?.id)
    }
}
