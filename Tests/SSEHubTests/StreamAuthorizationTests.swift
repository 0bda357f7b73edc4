import SSEHub
import Testing

/// An app deciding, on a worker, whether a request may open its stream: refused is a 401/403 with a message
/// before any stream; allowed is the stream, replay and all.
@Suite struct StreamAuthorizationTests {
    /// Streams of `private:` channels need the cookie `member=yes`, checked on a worker thread (as a session
    /// lookup in SQLite would be).
    struct PrivateChannels: Middleware {
        let pool: WorkerPool<Void>

        func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult {
            let result = try next(request, context)
            guard case .eventStream(let stream) = result, stream.channels.contains(where: { $0.hasPrefix("private:") })
            else { return result }
            let cookie = request.cookie(named: "member")
            return .deferredAnswer { answer in
                let queued = pool.submit { _ in
                    switch cookie {
                    case nil: answer(.response(HTTPError(.unauthorized, "log in to follow this board").response))
                    case "yes": answer(.eventStream(stream))
                    default: answer(.response(HTTPError(.forbidden, "this board is private").response))
                    }
                }
                if !queued { answer(.response(HTTPError(.serviceUnavailable, "busy").response)) }
            }
        }
    }

    @Test func aPrivateStreamOpensOnlyForAMemberAndRefusalsSayWhy() throws {
        let pool = try WorkerPool<Void>(name: "auth", threads: 1, queueLimit: 16) { _ in () }
        defer { pool.shutdown() }
        try withHub({ _ in }, routes: { $0.use(PrivateChannels(pool: pool)) }) { hub in
            let anonymous = try TestHTTP.get(hub.port, "/events/private:1")
            #expect(anonymous.status == 401 && anonymous.text.contains("log in to follow this board"))
            let stranger = try TestHTTP.get(hub.port, "/events/private:1", headers: [("Cookie", "member=no")])
            #expect(stranger.status == 403 && stranger.text.contains("private"))
            #expect(healthNumber(hub, "subscribers") == 0, "a refused request subscribed nothing")

            _ = try hub.publish(channels: ["private:1"], event: nil, data: Array("before".utf8))
            let member = try SSEClient(
                port: hub.port, path: "/events/private:1",
                headers: [("Cookie", "member=yes"), ("Last-Event-ID", "\(hub.epoch)-0")])
            #expect(try member.readHead() == 200)
            _ = try hub.publish(channels: ["private:1"], event: nil, data: Array("after".utf8))
            try member.waitForEvents(2)
            #expect(member.events.map(\.data) == ["before", "after"])

            let head = try TestSocket(port: hub.port).exchange(
                "HEAD", "/events/private:1", headers: [("Cookie", "member=yes")])
            #expect(head.status == 200 && head.header("Content-Type") == "text/event-stream" && head.body.isEmpty)
            #expect(try SSEClient(port: hub.port, path: "/events/public").readHead() == 200)
        }
    }
}

/// A stream an app's route builds itself is held to the channel rule, at once or after a deferred answer.
@Suite struct AppStreamChannelTests {
    @Test(arguments: ["bad name", "", String(repeating: "x", count: 300)])
    func anAppsStreamOfAnInvalidChannelIsRefused(channel: String) throws {
        try withHub(
            { _ in },
            routes: { router in
                router.add("GET", "/mine") { _, _ in .eventStream(StreamRequest(channels: [channel], lastEventID: nil))
                }
                router.add("GET", "/mine-later") { _, _ in
                    .deferredAnswer { answer in
                        answer(.eventStream(StreamRequest(channels: [channel], lastEventID: nil)))
                    }
                }
            }
        ) { hub in
            for path in ["/mine", "/mine-later"] {
                let answer = try TestHTTP.get(hub.port, path)
                #expect(answer.status == 400, "\(path): \(answer.status) \(answer.text)")
            }
            #expect(healthNumber(hub, "subscribers") == 0)
        }
    }
}
