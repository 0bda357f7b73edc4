import SSEHub
import Testing

/// Routes tested without a socket, through `Router.respond(to:hub:)`.
@Suite struct RouterTests {
    struct Tag: Middleware {
        let name: String
        func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult {
            guard request.headers["X-Block"] != name else { return .response(.text(.forbidden, "blocked by \(name)")) }
            let result = try next(request, context)
            guard case .response(let response) = result else { return result }
            return .response(response.adding("X-Through", name))
        }
    }

    func answer(_ router: Router, _ hub: Hub, _ method: String, _ target: String, headers: [(String, String)] = [])
        -> HTTPResponse?
    {
        guard
            case .response(let response) = router.respond(
                to: HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers)), hub: hub)
        else { return nil }
        return response
    }

    func echo(_ label: String) -> RouteHandler {
        { _, context in
            let parameters = context.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            return .response(.text(.ok, "\(label) \(parameters)"))
        }
    }

    @Test func matchesSeveralNamedParametersMostSpecificFirst() throws {
        try withHub { hub in
            var builder = RouterBuilder()
            builder.add("GET", "/boards/{id}/cards/{card}", echo("card"))
            builder.add("GET", "/boards/{id}", echo("board"))
            builder.add("GET", "/boards/new", echo("new"))
            builder.add("GET", "/files/{path*}", echo("file"))
            builder.add("POST", "/boards/{id}", echo("update"))
            let router = builder.build()
            let body = { (method: String, target: String) in
                answer(router, hub, method, target).map { String(decoding: $0.body, as: UTF8.self) }
            }
            #expect(body("GET", "/boards/12/cards/3") == "card id=12 card=3")
            #expect(body("GET", "/boards/a%20b?x=1") == "board id=a b")
            #expect(body("GET", "/boards/new") == "new ")
            #expect(body("POST", "/boards/7") == "update id=7")
            #expect(body("GET", "/files/css/site.css") == "file path=css/site.css")
            #expect(body("GET", "/boards/12/cards/x%2Fy") == "card id=12 card=x/y")
            for missing in ["/boards/", "/boards/12/cards/", "/boards/12/cards/3/x", "/files/", "/board/1"] {
                #expect(answer(router, hub, "GET", missing)?.status == .notFound, "\(missing)")
            }
            let refused = answer(router, hub, "DELETE", "/boards/7")
            #expect(refused?.status == .methodNotAllowed && refused?.header("Allow") == "GET, POST, HEAD")
            #expect(answer(router, hub, "HEAD", "/boards/7")?.status == .ok)
        }
    }

    @Test func middlewareWrapsEveryRouteOutermostFirst() throws {
        try withHub { hub in
            var builder = RouterBuilder()
            builder.add("GET", "/a/{x}", echo("a"))
            builder.use(Tag(name: "outer"))
            builder.add("GET", "/b", echo("b"))
            builder.use(Tag(name: "inner"))
            let router = builder.build()
            for target in ["/a/1", "/b"] {
                #expect(
                    answer(router, hub, "GET", target)?.headers.filter { $0.0 == "X-Through" }.map(\.1) == [
                        "inner", "outer",
                    ])
            }
            let blocked = answer(router, hub, "GET", "/b", headers: [("X-Block", "outer")])
            #expect(blocked?.status == .forbidden && blocked?.header("X-Through") == nil)
        }
    }

    @Test func middlewareWrapsTheHubsOwnRoutes() throws {
        var configuration = HubConfiguration()
        configuration.port = 0
        let hub = try Hub.start(configuration) { router in router.use(Tag(name: "app")) }
        defer { hub.shutdown() }
        let response = try TestHTTP.get(hub.port, "/health")
        #expect(response.status == 200 && response.header("X-Through") == "app")
        #expect(try TestHTTP.get(hub.port, "/health", headers: [("X-Block", "app")]).status == 403)
    }
}
