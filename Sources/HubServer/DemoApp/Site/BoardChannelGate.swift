import SSEHub

/// Guards the board channels on the hub's own routes. A stream of a `board:` channel opens only for someone
/// who may read that board (checked on a worker before the stream opens: 403 with a message otherwise, never a
/// silent 200), and `POST /broadcast` may not publish to one: board events are HTML partials swapped into every
/// open page, so only the site itself, after its checks, publishes them.
struct BoardChannelGate: Middleware {
    static let prefix = "board:"
    let site: DemoSite

    func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult {
        if request.method == "POST" && request.path == "/broadcast" {
            guard try !Self.publishChannels(request).contains(where: { $0.hasPrefix(Self.prefix) }) else {
                throw HTTPError(.forbidden, "board channels are published by the site itself, not over /broadcast")
            }
            return try next(request, context)
        }
        let result = try next(request, context)
        guard case .eventStream(let stream) = result else { return result }
        let boards = stream.channels.filter { $0.hasPrefix(Self.prefix) }
        guard !boards.isEmpty else { return result }
        let ids = boards.compactMap { Int64($0.dropFirst(Self.prefix.count)) }
        guard ids.count == boards.count else { throw HTTPError(.notFound, "there is no such board") }
        let (pool, token) = (site.pool, SessionCookie.token(in: request))
        return .deferredAnswer { answer in
            let queued = pool.submit { worker in
                do {
                    let session = try token.flatMap { try worker.accounts.session(for: $0) }
                    for id in ids {
                        guard let board = try worker.boards.store.board(id),
                            try worker.boards.access(to: board, userID: session?.user.id) != .none
                        else {
                            return answer(.response(HTTPError(.forbidden, "this board is private").response))
                        }
                    }
                    answer(.eventStream(stream))
                } catch {
                    Log.error("demo", "stream authorization: \(error)")
                    answer(.response(HTTPError(.internalServerError, "the site could not check this stream").response))
                }
            }
            if !queued {
                answer(.response(HTTPError(.serviceUnavailable, "the site is busy; try again").response))
            }
        }
    }

    /// The channels a `POST /broadcast` body names (form or JSON, as the endpoint reads them).
    static func publishChannels(_ request: HTTPRequest) throws -> [String] {
        if request.mediaType == "application/json" {
            guard case .object(let fields)? = try? JSONParser.parse(request.body) else { return [] }
            var names: [String] = []
            for (key, value) in fields {
                if key == "channel", case .string(let name) = value { names.append(name) }
                if key == "channels", case .array(let list) = value {
                    for case .string(let name) in list { names.append(name) }
                }
            }
            return names
        }
        guard request.mediaType == "application/x-www-form-urlencoded" else { return [] }  // the endpoint refuses it
        return try request.formFields().values("channel")
    }
}
