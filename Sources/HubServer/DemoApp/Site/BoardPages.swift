import SSEHub

/// The board pages: the list of boards, a board with its columns, and the fragments htmx asks for (the
/// columns again after a `reset`, a card's editor). HTTP in and out only; the rules are `BoardService`'s.
struct BoardPages {
    let site: DemoSite

    func register(in router: inout RouterBuilder) {
        let (site, gate) = (self.site, SessionGate(site: site))
        router.add("GET", "/boards") { request, context in
            let hub = context.hub
            return gate.requireSession(request) { worker, session in
                try Self.list(worker, session, hub: hub)
            }
        }
        router.add("GET", "/boards/{id}") { request, context in
            let (hub, id, htmx4) = (context.hub, try Self.id(context, "id"), try Self.wantsHTMX4(request))
            return gate.optionalSession(request) { worker, session in
                try Self.answering {
                    // Under the board's lock: the data and the id it stands at agree (see `BoardLive`).
                    let shown = try site.boardLocks.withLock(id) {
                        let (board, access) = try worker.boards.open(id, userID: session?.user.id)
                        return try Self.show(board, access, worker, session)
                    }
                    guard case .object(var fields) = shown else {
                        return .html(.internalServerError, "")
                    }
                    fields["htmx4"] = .bool(htmx4)
                    return try PageRenderer.page(.ok, "boards/show", .object(fields), hub: hub)
                }
            }
        }
        router.add("GET", "/boards/{id}/columns") { request, context in
            let (hub, id, htmx4) = (context.hub, try Self.id(context, "id"), try Self.wantsHTMX4(request))
            return gate.optionalSession(request) { worker, session in
                try Self.answering {
                    let (board, _) = try worker.boards.open(id, userID: session?.user.id)
                    let cards = try site.boardLocks.withLock(id) { try worker.boards.cards(of: board) }
                    guard case .object(var columns) = BoardContexts.columns(of: board, cards: cards) else {
                        return .html(.internalServerError, "")
                    }
                    columns["htmx4"] = .bool(htmx4)
                    return try PageRenderer.page(.ok, "boards/columns", .object(columns), hub: hub)
                }
            }
        }
        router.add("GET", "/boards/{id}/cards/{card}/edit") { request, context in
            let (hub, id, cardID) = (context.hub, try Self.id(context, "id"), try Self.id(context, "card"))
            return gate.requireSession(request) { worker, session in
                try Self.answering {
                    let card = try worker.boards.card(cardID, on: id, userID: session.user.id)
                    return try PageRenderer.page(.ok, "boards/editor", BoardContexts.editor(card), hub: hub)
                }
            }
        }
        router.add("GET", "/boards/{id}/editor/close") { _, _ in
            .response(.html(.ok, ""))
        }
    }

    /// `?htmx=4` serves the board with htmx 4 and its SSE extension (`hx-sse:connect`) instead of htmx 2's
    /// (`hx-ext="sse"`): the same broadcasts drive both.
    static func wantsHTMX4(_ request: HTTPRequest) throws(HTTPError) -> Bool {
        try request.queryValues(named: "htmx").last == "4"
    }

    static func id(_ context: RequestContext, _ name: String) throws(HTTPError) -> Int64 {
        guard let text = context.parameter(name), let id = Int64(text), id > 0 else {
            throw HTTPError(.notFound, "no such board or card")
        }
        return id
    }

    /// Turns the service's refusals into answers: a board that does not exist for the user is a 404 (a
    /// private board is never confirmed to exist), a change they may not make a 403.
    static func answering(_ body: () throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try body()
        } catch BoardError.notFound {
            throw HTTPError(.notFound, "there is no such board, or it is private")
        } catch BoardError.forbidden(let why) {
            throw HTTPError(.forbidden, why)
        }
    }

    static func list(
        _ worker: DemoWorker, _ session: Session, hub: Hub, status: HTTPStatus = .ok,
        values: [String: TemplateValue] = [:]
    ) throws -> HTTPResponse {
        let (mine, others) = try worker.boards.boards(for: session.user.id)
        let summary: (Board) -> TemplateValue = { board in
            let fields: [String: TemplateValue] = [
                "id": .number(Double(board.id)), "name": .string(board.name),
                "visibility": .string(board.visibility.rawValue),
            ]
            return .object(fields)
        }
        var fields: [String: TemplateValue] = [
            "user": .object(["name": .string(session.user.name)]), "csrf": .string(session.csrfToken),
            "mine": .list(mine.map(summary)), "others": .list(others.map(summary)),
        ]
        fields.merge(values) { $1 }
        return try PageRenderer.page(status, "boards/index", .object(fields), hub: hub)
    }

    static func show(_ board: Board, _ access: BoardAccess, _ worker: DemoWorker, _ session: Session?) throws
        -> TemplateValue
    {
        guard case .object(var fields) = BoardContexts.columns(of: board, cards: try worker.boards.cards(of: board))
        else { return .null }
        let accessName: String =
            switch access {
            case .own: "own"
            case .edit: "edit"
            case .read, .none: "read"
            }
        let boardFields: [String: TemplateValue] = ["id": .number(Double(board.id)), "name": .string(board.name)]
        guard case .object(let members) = BoardContexts.members(of: board, try worker.boards.members(of: board)) else {
            return .null
        }
        fields.merge(members) { current, _ in current }
        fields["board"] = .object(boardFields)
        fields["access"] = .string(accessName)
        fields["channel"] = .string(board.channel)
        fields["lastEventID"] = .string(board.lastEventID)
        fields["visibility"] = .string(board.visibility == .private ? "Private board" : "Public board")
        fields["viewing"] = .string("…")
        fields["csrf"] = .string(session?.csrfToken ?? "")
        fields["closeEvent"] = .string(session.map { BoardLive.removalEvent(for: $0.user.id) } ?? "")
        if let session { fields["user"] = .object(["name": .string(session.user.name)]) }
        return .object(fields)
    }
}
