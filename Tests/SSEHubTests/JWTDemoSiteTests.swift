import Testing

/// The demo site on a hub with JWT on, in a real process: the board gate's session check and the token's check
/// both apply to a board's stream; `--anonymous-subscribe` leaves the board gate to decide alone.
@Suite struct JWTDemoSiteTests {
    static func site(_ extra: [String]) throws -> BoardFixture {
        let database = SQLiteDatabaseFile.fresh()
        let hub = try HubProcess(
            arguments: [
                "--web-root", DemoSiteTests.webRoot, "--database", database, "--loops", "2",
                "--jwt-secret", "'\(TestTokens.secret)'", "--jwt-leeway", "0",
            ] + extra)
        return BoardFixture(hub: hub, database: database)
    }

    func cookies(_ browser: TestBrowser) -> (String, String) {
        ("Cookie", browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
    }

    @Test func aBoardStreamNeedsTheSessionAndTheToken() throws {
        let site = try Self.site([])
        let (ada, bob) = (try site.user("Ada"), try site.user("Bob"))
        let board = try site.board(ada)
        #expect(try site.stream(ada, board: board).readHead() == 401, "a member without a token")
        let token = TestTokens.hs256(TestTokens.claims(subscribe: ["board:*"]))
        let bearer = ("Authorization", "Bearer \(token)")
        let member = try SSEClient(
            port: site.hub.port, path: "/events/board:\(board)", headers: [cookies(ada), bearer])
        #expect(try member.readHead() == 200)
        let stranger = try SSEClient(
            port: site.hub.port, path: "/events/board:\(board)", headers: [cookies(bob), bearer])
        #expect(try stranger.readHead() == 403, "a token is no board membership")
        let mixed = try TestHTTP.get(
            site.hub.port, "/events?channel=board:\(board)&channel=news", headers: [cookies(ada), bearer])
        #expect(mixed.status == 403 && mixed.text.contains("news"), "\(mixed.text)")
    }

    @Test func withAnonymousSubscribersTheBoardGateDecidesAlone() throws {
        let site = try Self.site(["--anonymous-subscribe"])
        let (ada, bob) = (try site.user("Ada"), try site.user("Bob"))
        let board = try site.board(ada)
        #expect(try site.stream(ada, board: board).readHead() == 200)
        #expect(try site.stream(bob, board: board).readHead() == 403)
    }
}
