/// The operator's endpoints: `GET /metrics` (Prometheus), `GET /channels` and `GET /channels/{name}` (JSON).
/// `/channels` needs the admin token and answers 404 on a hub started without one; `/metrics` needs it when
/// one is set, and is open otherwise (as a scrape target on a private network usually is).
enum AdminRoutes {
    /// The most channels one `GET /channels` lists (`limit` may ask for fewer).
    static let maxListedChannels = 1000

    static func register(in router: inout RouterBuilder) {
        router.add("GET", "/metrics") { request, context in
            let hub = context.hub
            if let token = hub.configuration.adminToken {
                try BearerAuthorization.require(request, token: token, purpose: "metrics")
            }
            return .deferred { [weak hub] respond in
                hub?.gatherLoopMetrics { [weak hub] loops in
                    guard let hub else { return }
                    respond(.text(.ok, hub.metricsText(loops: loops), contentType: PrometheusText.contentType))
                }
            }
        }
        router.add("GET", "/channels") { request, context in
            let hub = context.hub
            try requireAdmin(request, hub)
            let prefix = try request.queryValues(named: "prefix").last ?? ""
            let limit = try listLimit(request)
            let (channels, matched) = hub.channelStats(prefix: prefix, limit: limit)
            return withGroupCounts(hub) { group, now, wallNow in
                .json(
                    .ok,
                    .object([
                        (
                            "channels",
                            .array(channels.map { $0.json(group: group?[$0.name], now: now, wallNow: wallNow) })
                        ),
                        ("matched", .number(Double(matched))),
                        ("truncated", .bool(matched > channels.count)),
                    ]))
            }
        }
        router.add("GET", "/channels/{name}") { request, context in
            let hub = context.hub
            try requireAdmin(request, hub)
            let name = context.pathParameter ?? ""
            guard let channel = hub.channelStats(named: name) else {
                throw HTTPError(.notFound, "this hub holds no channel \"\(name)\"")
            }
            return withGroupCounts(hub) { group, now, wallNow in
                .json(.ok, channel.json(group: group?[name], now: now, wallNow: wallNow))
            }
        }
    }

    /// 404 on a hub without an admin token (the endpoint is off), 401 without the right one.
    static func requireAdmin(_ request: HTTPRequest, _ hub: Hub) throws(HTTPError) {
        guard let token = hub.configuration.adminToken else {
            throw HTTPError(.notFound, "the admin endpoints are off; start the hub with --admin-token to use them")
        }
        try BearerAuthorization.require(request, token: token, purpose: "the admin endpoints")
    }

    private static func listLimit(_ request: HTTPRequest) throws(HTTPError) -> Int {
        guard let text = try request.queryValues(named: "limit").last else { return 100 }
        guard let limit = Int(text), (1...maxListedChannels).contains(limit) else {
            throw HTTPError(.badRequest, "limit must be a whole number from 1 to \(maxListedChannels)")
        }
        return limit
    }

    /// Answers with `body`, given the group's counts when a relay is installed (asked on its loop, so the
    /// answer is deferred), else at once.
    private static func withGroupCounts(
        _ hub: Hub, _ body: @escaping @Sendable ([String: Int]?, UInt64, UInt64) -> HTTPResponse
    ) -> RouteResult {
        guard let relay = hub.relay else {
            return .response(body(nil, MonotonicClock.now(), WallClock.millisecondsSinceEpoch()))
        }
        return .deferred { respond in
            relay.groupSubscriberCounts { counts in
                respond(body(counts, MonotonicClock.now(), WallClock.millisecondsSinceEpoch()))
            }
        }
    }
}
