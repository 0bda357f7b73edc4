import Broadcast
import DemoApp

/// `/debug`: the operator's live page, served by the hub itself. Pick a channel, watch its events arrive,
/// publish a test event, and see the hub's and the channel's numbers refresh every two seconds (htmx polls the
/// fragments below). Off (404) on a hub without `--admin-token`; behind the token otherwise.
struct DebugRoutes: Sendable {
    let access: DebugAccess

    func register(in router: inout RouterBuilder) {
        let routes = self
        router.add("GET", "/debug") { request, context in
            try routes.page(request, hub: context.hub)
        }
        router.add("POST", "/debug/session") { request, context in
            try routes.signIn(request, hub: context.hub)
        }
        router.add("POST", "/debug/logout") { request, _ in
            try DebugAccess.requireSameOrigin(request)
            var response = HTTPResponse.redirect(to: "/debug")
            response.setCookie(routes.access.cookie(signedIn: false))
            return .response(response)
        }
        router.add("GET", "/debug/totals") { request, context in
            try routes.requireSignedIn(request)
            return .response(try routes.render("debug/totals", DebugViews.totals(context.hub), hub: context.hub))
        }
        router.add("GET", "/debug/channels") { request, context in
            try routes.requireSignedIn(request)
            let (channels, matched) = context.hub.channelStats(prefix: "", limit: 50)
            let list = TemplateValue.object([
                "channels": .list(channels.map(DebugViews.channel)), "matched": .number(Double(matched)),
                "more": .bool(matched > channels.count),
            ])
            return .response(try routes.render("debug/channels", list, hub: context.hub))
        }
        router.add("GET", "/debug/channels/{name}") { request, context in
            try routes.requireSignedIn(request)
            let name = context.pathParameter ?? ""
            guard let stats = context.hub.channelStats(named: name) else {
                let empty = TemplateValue.object(["name": .string(name)])
                return .response(try routes.render("debug/channel-empty", empty, hub: context.hub))
            }
            return .response(try routes.render("debug/channel", DebugViews.channel(stats), hub: context.hub))
        }
        router.add("POST", "/debug/publish") { request, context in
            try routes.publish(request, hub: context.hub)
        }
    }

    private func page(_ request: HTTPRequest, hub: Hub) throws -> RouteResult {
        guard access.token != nil else {
            throw HTTPError(.notFound, "the debug page is off; start the hub with --admin-token to use it")
        }
        guard access.allows(request) else {
            return .response(try render("debug/signin", .object([:]), hub: hub))
        }
        var context: [String: TemplateValue] = [:]
        if let channel = try request.queryValues(named: "channel").last, !channel.isEmpty {
            do throws(HubError) {
                let name = try hub.validatedChannels([channel])[0]
                // The channel rule's alphabet needs no escaping in a URL path or query.
                context["channel"] = .object(["name": .string(name)])
            } catch {
                context["error"] = .string(error.httpError.message)
            }
        }
        return .response(try render("debug/page", .object(context), hub: hub))
    }

    private func signIn(_ request: HTTPRequest, hub: Hub) throws -> RouteResult {
        try DebugAccess.requireSameOrigin(request)
        guard access.token != nil else { throw HTTPError(.notFound, "the debug page is off") }
        guard access.matches(try request.formFields()["token"] ?? "") else {
            let refused = TemplateValue.object(["error": .string("That is not the admin token.")])
            return .response(try render("debug/signin", refused, hub: hub, status: .unauthorized))
        }
        var response = HTTPResponse.redirect(to: "/debug")
        response.setCookie(access.cookie(signedIn: true))
        return .response(response)
    }

    /// Publishes a test event through the hub's one entry (so a Redis group hears it too) and answers with a
    /// line saying which id it got.
    private func publish(_ request: HTTPRequest, hub: Hub) throws -> RouteResult {
        try DebugAccess.requireSameOrigin(request)
        try requireSignedIn(request)
        let form = try request.formFields()
        let event = form["event"].flatMap { $0.isEmpty ? nil : $0 }
        let outcome = try hub.submit(
            channels: [form["channel"] ?? ""], event: event, data: Array((form["data"] ?? "").utf8))
        let routes = self
        let answer = { @Sendable (receipt: PublishReceipt) throws -> HTTPResponse in
            try routes.render(
                "debug/published",
                .object([
                    "id": .string(receipt.id.description), "subscribers": .number(Double(receipt.subscribers)),
                ]), hub: hub)
        }
        switch outcome {
        case .published(let receipt): return .response(try answer(receipt))
        case .relayed(let pending):
            return .deferred { respond in
                pending.whenDone { result in
                    do {
                        respond(try answer(try result.get()))
                    } catch let error as HubError {
                        respond(error.httpError.response)
                    } catch {
                        respond(HTTPError(.internalServerError, "the test event could not be shown").response)
                    }
                }
            }
        }
    }

    private func requireSignedIn(_ request: HTTPRequest) throws(HTTPError) {
        guard access.token != nil else { throw HTTPError(.notFound, "the debug page is off") }
        guard access.allows(request) else {
            throw HTTPError(.unauthorized, "sign in on /debug with the admin token first")
        }
    }

    private func render(_ template: String, _ context: TemplateValue, hub: Hub, status: HTTPStatus = .ok) throws
        -> HTTPResponse
    {
        guard let templates = hub.templates else {
            throw HTTPError(.internalServerError, "the hub was started without its templates (--templates)")
        }
        var response = HTTPResponse.html(status, try templates.render(template, context))
        response.headers.append(contentsOf: PageRenderer.securityHeaders)
        return response
    }
}
