import SSEHub

/// The board's state changes: create a board, add, edit, move and delete cards, rename, add and remove
/// members. Each needs a session and its CSRF token (htmx sends it in `X-CSRF-Token`, plain forms in a field),
/// runs one transaction on a worker, and broadcasts the committed change (`BoardLive`); the browser that made it
/// sees it through the stream like every other, so once.
struct BoardActions {
    let site: DemoSite

    func register(in router: inout RouterBuilder) {
        let site = self.site
        router.add("POST", "/boards") { request, context in
            try Self.changing(request, site) { worker, session, form in
                let hub = context.hub
                let (name, visibility) = (form["name"] ?? "", form["visibility"] ?? "")
                switch try worker.boards.createBoard(ownerID: session.user.id, name: name, visibility: visibility) {
                case .success(let board):
                    // The first event gives the board an id to subscribe from, so no change is ever missed.
                    _ = try BoardLive(hub: hub, locks: site.boardLocks).commit(
                        boardID: board.id, service: worker.boards, { board }, changes: { [.renamed($0)] })
                    return .redirect(to: "/boards/\(board.id)")
                case .failure(let errors):
                    return try BoardPages.list(
                        worker, session, hub: hub, status: .unprocessableContent,
                        values: [
                            "name": .string(name), "errors": .object(errors.messages.mapValues(TemplateValue.string)),
                        ])
                }
            }
        }
        router.add("POST", "/boards/{id}/cards") { request, context in
            let id = try BoardPages.id(context, "id")
            return try Self.changing(request, site) { worker, session, form in
                let live = BoardLive(hub: context.hub, locks: site.boardLocks)
                let column = form["column"] ?? ""
                let outcome = try live.commit(boardID: id, service: worker.boards) {
                    try worker.boards.createCard(
                        boardID: id, userID: session.user.id, column: column, title: form["title"] ?? "",
                        body: form["body"] ?? "")
                } changes: { outcome in
                    if case .success(let change) = outcome { [change] } else { [] }
                }
                guard case .failure(let errors) = outcome else { return HTTPResponse(status: .noContent) }
                // The form posts without swapping; its error goes next to it.
                let message = errors.messages.sorted { $0.key > $1.key }.first?.value ?? "The card cannot be added."
                return try PageRenderer.page(
                    .unprocessableContent, "boards/field-error", .object(["message": .string(message)]),
                    hub: context.hub
                )
                .adding(HTMXHeader.retarget, "#new-card-error-\(BoardColumn(rawValue: column)?.rawValue ?? "todo")")
                .adding(HTMXHeader.reswap, "innerHTML")
            }
        }
        router.add("POST", "/boards/{id}/cards/{card}") { request, context in
            let (id, cardID) = (try BoardPages.id(context, "id"), try BoardPages.id(context, "card"))
            return try Self.changing(request, site) { worker, session, form in
                let (hub, title, body) = (context.hub, form["title"] ?? "", form["body"] ?? "")
                guard let version = form["version"].flatMap({ Int64($0) }) else {
                    throw HTTPError(.badRequest, "the form has no card version; reload the page")
                }
                let outcome = try BoardLive(hub: hub, locks: site.boardLocks).commit(
                    boardID: id, service: worker.boards
                ) {
                    try worker.boards.editCard(
                        boardID: id, cardID: cardID, userID: session.user.id, title: title, body: body, version: version
                    )
                } changes: { outcome in
                    if case .saved(let card) = outcome { [.cardEdited(card)] } else { [] }
                }
                switch outcome {
                case .saved:
                    return .html(.ok, "")  // closes the editor; the card arrives through the stream
                case .conflict(let current):
                    // What was typed stays; the version is now the current one, so saving again is a choice.
                    return try PageRenderer.page(
                        .conflict, "boards/editor",
                        BoardContexts.editor(current, title: title, body: body, conflict: current), hub: hub)
                case .invalid(let errors):
                    let card = try worker.boards.card(cardID, on: id, userID: session.user.id)
                    return try PageRenderer.page(
                        .unprocessableContent, "boards/editor",
                        BoardContexts.editor(card, title: title, body: body, errors: errors), hub: hub)
                }
            }
        }
        router.add("POST", "/boards/{id}/cards/{card}/move") { request, context in
            let (id, cardID) = (try BoardPages.id(context, "id"), try BoardPages.id(context, "card"))
            return try Self.changing(request, site) { worker, session, form in
                _ = try BoardLive(hub: context.hub, locks: site.boardLocks).commit(boardID: id, service: worker.boards)
                {
                    try worker.boards.moveCard(
                        boardID: id, cardID: cardID, userID: session.user.id, to: form["column"] ?? "")
                } changes: {
                    [$0]
                }
                return HTTPResponse(status: .noContent)
            }
        }
        router.add("POST", "/boards/{id}/cards/{card}/delete") { request, context in
            let (id, cardID) = (try BoardPages.id(context, "id"), try BoardPages.id(context, "card"))
            return try Self.changing(request, site) { worker, session, _ in
                _ = try BoardLive(hub: context.hub, locks: site.boardLocks).commit(boardID: id, service: worker.boards)
                {
                    try worker.boards.deleteCard(boardID: id, cardID: cardID, userID: session.user.id)
                } changes: {
                    [$0]
                }
                return HTTPResponse(status: .noContent)
            }
        }
        router.add("POST", "/boards/{id}/name") { request, context in
            let id = try BoardPages.id(context, "id")
            return try Self.changing(request, site) { worker, session, form in
                let outcome = try BoardLive(hub: context.hub, locks: site.boardLocks).commit(
                    boardID: id, service: worker.boards
                ) {
                    try worker.boards.rename(boardID: id, userID: session.user.id, to: form["name"] ?? "")
                } changes: { outcome in
                    if case .success(let change) = outcome { [change] } else { [] }
                }
                if case .failure(let errors) = outcome {
                    throw HTTPError(.unprocessableContent, errors["name"] ?? "the name cannot be used")
                }
                return HTTPResponse(status: .noContent)
            }
        }
        router.add("POST", "/boards/{id}/members") { request, context in
            let id = try BoardPages.id(context, "id")
            return try Self.changing(request, site) { worker, session, form in
                let (hub, email) = (context.hub, form["email"] ?? "")
                let outcome = try BoardLive(hub: hub, locks: site.boardLocks).commit(
                    boardID: id, service: worker.boards
                ) {
                    try worker.boards.addMember(boardID: id, ownerID: session.user.id, email: email)
                } changes: { outcome in
                    if case .success(let change) = outcome { [change] } else { [] }
                }
                let fields: [String: TemplateValue]
                if case .failure(let errors) = outcome {
                    fields = [
                        "boardID": .number(Double(id)), "email": .string(email),
                        "error": .string(errors["email"] ?? ""),
                    ]
                } else {
                    fields = ["boardID": .number(Double(id))]
                }
                let status: HTTPStatus = if case .failure = outcome { .unprocessableContent } else { .ok }
                return try PageRenderer.page(status, "boards/member-form", .object(fields), hub: hub)
            }
        }
        router.add("POST", "/boards/{id}/members/{user}/remove") { request, context in
            let (id, member) = (try BoardPages.id(context, "id"), try BoardPages.id(context, "user"))
            return try Self.changing(request, site) { worker, session, _ in
                _ = try BoardLive(hub: context.hub, locks: site.boardLocks).commit(boardID: id, service: worker.boards)
                {
                    try worker.boards.removeMember(boardID: id, ownerID: session.user.id, memberID: member)
                } changes: {
                    [$0]
                }
                return HTTPResponse(status: .noContent)
            }
        }
    }

    /// A state change: the form is decoded here (a bad body is a 400 at once), the session and its CSRF token
    /// are checked on a worker, then `body` runs there; the service's refusals become 404 and 403.
    static func changing(
        _ request: HTTPRequest, _ site: DemoSite,
        _ body: @escaping @Sendable (DemoWorker, Session, FormFields) throws -> HTTPResponse
    ) throws -> RouteResult {
        let form = try request.formFields()
        return SessionGate(site: site).requireSession(request) { worker, session in
            if let problem = CSRFProtection.problem(
                with: request, expected: session.csrfToken, formToken: form[CSRFProtection.formField])
            {
                throw HTTPError(.forbidden, problem)
            }
            return try BoardPages.answering { try body(worker, session, form) }
        }
    }
}
