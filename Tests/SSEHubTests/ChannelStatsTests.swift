import Broadcast
import Testing

/// `GET /channels` and `GET /channels/{name}`: off without an admin token, 401 without the right one, and
/// then the numbers of each channel as the hub holds them.
@Suite struct ChannelStatsTests {
    static let admin = [("Authorization", "Bearer admin-token-1")]

    @Test func withoutAnAdminTokenTheEndpointsAreOff() throws {
        try withHub { hub in
            let off = try TestHTTP.get(hub.port, "/channels")
            #expect(off.status == 404 && off.text.contains("--admin-token"))
            #expect(try TestHTTP.get(hub.port, "/channels/news").status == 404)
        }
    }

    @Test func theAdminTokenIsRequired() throws {
        try withHub({ $0.adminToken = "admin-token-1" }) { hub in
            let bare = try TestHTTP.get(hub.port, "/channels")
            #expect(bare.status == 401 && bare.header("WWW-Authenticate") == "Bearer")
            let wrong = try TestHTTP.get(hub.port, "/channels", headers: [("Authorization", "Bearer admin-token-2")])
            #expect(wrong.status == 401)
            #expect(try TestHTTP.get(hub.port, "/channels/news", headers: [("Authorization", "Basic x")]).status == 401)
            #expect(try TestHTTP.get(hub.port, "/channels", headers: Self.admin).status == 200)
        }
    }

    @Test func aChannelReportsItsSubscribersEventsAndReplay() throws {
        try withHub({
            $0.adminToken = "admin-token-1"; $0.replayEvents = 3
        }) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/board:7")
            try client.readHead()
            var lastID = ""
            for index in 1...5 {
                let answer = try TestHTTP.postForm(hub.port, "channel=board:7&data=\(index)")
                lastID = try #require(try JSONParser.parse(answer.body)["id"]?.stringValue)
            }
            let before = WallClock.millisecondsSinceEpoch()
            let response = try TestHTTP.get(hub.port, "/channels/board:7", headers: Self.admin)
            #expect(response.status == 200)
            let channel = try JSONParser.parse(response.body)
            #expect(channel["channel"] == .string("board:7"))
            #expect(channel["subscribers"] == .number(1))
            #expect(channel["groupSubscribers"] == .null, "no relay, no group")
            #expect(channel["eventsPublished"] == .number(5))
            #expect(channel["lastEventId"] == .string(lastID))
            #expect(channel["replay"]?["events"] == .number(3), "the ring holds its limit")
            #expect(channel["replay"]?["capacity"] == .number(3))
            guard case .number(let at)? = channel["lastPublishedAt"] else {
                Issue.record("no lastPublishedAt")
                return
            }
            #expect(at <= Double(before) + 1 && at > Double(before) - 10_000)

            let unknown = try TestHTTP.get(hub.port, "/channels/nowhere", headers: Self.admin)
            #expect(unknown.status == 404 && unknown.text.contains("nowhere"))
        }
    }

    @Test func theListIsBusiestFirstFilteredByPrefixAndBoundedByItsLimit() throws {
        try withHub({ $0.adminToken = "admin-token-1" }) { hub in
            let clients = try ["a:busy", "a:busy", "a:quiet", "b:other"].map {
                try SSEClient(port: hub.port, path: "/events/\($0)")
            }
            for client in clients { try client.readHead() }
            func list(_ query: String) throws -> JSONValue {
                let response = try TestHTTP.get(hub.port, "/channels" + query, headers: Self.admin)
                #expect(response.status == 200, "\(query): \(response.text)")
                return try JSONParser.parse(response.body)
            }
            func names(_ page: JSONValue) -> [String] {
                guard case .array(let channels)? = page["channels"] else { return [] }
                return channels.compactMap { $0["channel"]?.stringValue }
            }
            let all = try list("")
            #expect(names(all) == ["a:busy", "a:quiet", "b:other"])
            #expect(all["matched"] == .number(3) && all["truncated"] == .bool(false))
            let prefixed = try list("?prefix=a:&limit=1")
            #expect(names(prefixed) == ["a:busy"])
            #expect(prefixed["matched"] == .number(2) && prefixed["truncated"] == .bool(true))
            // The limit's edges: 1 and 1,000 are taken, 0 and 1,001 refused with the range.
            #expect(names(try list("?limit=1000")).count == 3)
            for bad in ["0", "1001", "ten"] {
                let refused = try TestHTTP.get(hub.port, "/channels?limit=\(bad)", headers: Self.admin)
                #expect(refused.status == 400 && refused.text.contains("from 1 to 1000"))
            }
        }
    }
}

extension ChannelStatsTests {
    /// An empty admin or publish token would match an empty one sent: refused at start, not served open.
    @Test func anEmptyTokenIsRefusedAtStart() {
        for configure in [{ (c: inout HubConfiguration) in c.adminToken = "" }, { $0.publishToken = "" }] {
            var configuration = HubConfiguration()
            configuration.port = 0
            configure(&configuration)
            #expect(throws: AuthConfigurationError.self) { try Hub.start(configuration).shutdown() }
        }
    }
}
