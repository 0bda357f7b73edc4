/// The hub's own endpoints: subscribe, publish, health.
enum HubRoutes {
    static func register(in router: inout RouterBuilder) {
        router.add("GET", "/events/{channel}") { request, context in
            try subscription(channels: [context.pathParameter ?? ""], request: request, hub: context.hub)
        }
        router.add("GET", "/events") { request, context in
            try subscription(channels: request.queryValues(named: "channel"), request: request, hub: context.hub)
        }
        router.add("POST", "/broadcast") { request, context in
            try BroadcastEndpoint.route(request, hub: context.hub, loop: context.loopIndex)
        }
        router.add("GET", "/health/ping") { _, _ in
            .response(.text(.ok, "pong\n"))
        }
        router.add("GET", "/health") { _, context in
            .response(.json(.ok, context.hub.health()))
        }
        // Readiness for a load balancer: 503 while draining (the first thing a drain does, so traffic moves
        // away before accepting stops) and while a configured broker is unreachable.
        router.add("GET", "/health/ready") { _, context in
            if context.hub.isDraining { return .response(.text(.serviceUnavailable, "not ready: draining\n")) }
            guard let relay = context.hub.relay, !relay.isReady else { return .response(.text(.ok, "ready\n")) }
            return .response(.text(.serviceUnavailable, "not ready: the broker is unreachable\n"))
        }
    }

    /// `Last-Event-ID` header, or `last_event_id` in the query: a browser's first connect cannot set headers,
    /// so pages pass the id they rendered with in the URL (WHATWG HTML §9.2.4 sets the header only on
    /// reconnects). The header wins: it is the newer position.
    private static func subscription(channels: [String], request: HTTPRequest, hub: Hub) throws -> RouteResult {
        let checked = try hub.validatedChannels(channels)
        let lastEventID =
            try request.headers["Last-Event-ID"] ?? request.queryValues(named: "last_event_id").last
        return .eventStream(StreamRequest(channels: checked, lastEventID: lastEventID))
    }
}

extension Hub {
    /// The `GET /health` document.
    package func health() -> JSONValue {
        let (channelCount, subscribers) = table.withLock { ($0.channels.count, $0.subscriberCount) }
        let degraded = relay.map { !$0.isReady } ?? false
        return .object(
            [
                ("status", .string(isDraining ? "draining" : degraded ? "degraded" : "ok")),
                ("version", .string(Hub.version)),
                ("uptimeSeconds", .number((uptime * 1000).rounded() / 1000)),
                ("loops", .number(Double(loops.count))),
                ("connections", .number(Double(stats.read(.openConnections)))),
                ("streams", .number(Double(stats.read(.openStreams)))),
                ("channels", .number(Double(channelCount))),
                ("subscribers", .number(Double(subscribers))),
                ("eventsPublished", .number(Double(stats.read(.eventsPublished)))),
                ("slowSubscribersDropped", .number(Double(stats.read(.slowSubscribersDropped)))),
                ("connectionsAccepted", .number(Double(stats.read(.acceptedConnections)))),
                ("acceptPauses", .number(Double(stats.read(.acceptPauses)))),
            ] + (relay?.health ?? []))
    }

    /// The hub's version, as `GET /health` reports it.
    public static let version = "0.1.0"

    /// Whether `channel` has a subscriber on this hub (a relay subscribes to exactly those channels).
    package func hasLocalSubscribers(_ channel: String) -> Bool {
        localSubscribers(of: [channel]) > 0
    }

    package func channelsWithLocalSubscribers() -> [String] {
        table.withLock { $0.channels.filter { $0.value.subscriberCount > 0 }.map(\.key) }
    }

    /// Subscribers on this hub of any of `channels` (what a relayed publish reports).
    func localSubscribers(of channels: [String]) -> Int {
        table.withLock { $0.audience(of: channels) }
    }
}
