/// What a route answers: a complete response, or the request to turn the connection into an event stream.
public enum RouteResult: Sendable {
    /// A complete response.
    case response(HTTPResponse)
    /// Turn the connection into an event stream of the request's channels.
    case eventStream(StreamRequest)
    /// The answer comes later (a publish waiting for its broker-assigned id). The handler's closure is called
    /// at once with a `respond` function that may be called once, from any thread. The connection answers
    /// nothing after this request until then, so pipelined answers stay in order. Past the hub's head timeout
    /// the client gets a 503 instead and a later `respond` is ignored; for HEAD only the answer's head is sent.
    case deferred(@Sendable (_ respond: @escaping @Sendable (HTTPResponse) -> Void) -> Void)
    /// Like `deferred`, but the answer may also be a stream: for a subscription whose authorization needs
    /// blocking work (a session looked up on a worker), decided before the stream opens, so a refusal is a
    /// 401/403 with a message, never a stream that stays silent.
    case deferredAnswer(@Sendable (_ answer: @escaping @Sendable (DeferredAnswer) -> Void) -> Void)
}

/// What a deferred route finally answers.
public enum DeferredAnswer: Sendable {
    /// A complete response.
    case response(HTTPResponse)
    /// Open the event stream (an authorized subscription).
    case eventStream(StreamRequest)
}

/// A subscription asked for over HTTP: the channels (already validated) and where to resume from.
public struct StreamRequest: Sendable {
    /// The channels to subscribe to. The hub's `/events` routes check names against the channel rule; a
    /// stream an app's own route builds takes them as given, so build it from names the app controls.
    public var channels: [String]
    /// Where to resume from: the `Last-Event-ID` the client sent, or nil for new events only.
    public var lastEventID: String?
    /// Header fields added to the stream's response head (CORS adds `Access-Control-Allow-Origin` here). A field
    /// with CR, LF or NUL (or a name with a colon or space) is left out, as in every response.
    public var headers: [(String, String)] = []
    /// When the stream ends by itself (its token's expiry), and the event that says so first; nil: never.
    public var end: StreamEnd?

    /// A subscription to `channels`, resuming after `lastEventID` when given.
    public init(channels: [String], lastEventID: String?) {
        self.channels = channels
        self.lastEventID = lastEventID
    }
}

/// A time at which a stream is ended in-band: the hub sends the named event `event` with the JSON data
/// `{"reason": reason}`, then closes the stream (within a second of `at`). A page listening for the event
/// knows not to let EventSource reconnect with what it had (an expired token gets a 401 there).
public struct StreamEnd: Sendable {
    /// Seconds since the Unix epoch (wall clock), as a JWT's `exp`.
    public var at: Double
    /// The event's name (`event:` line).
    /// - Precondition: no CR, LF or NUL.
    public var event: String
    /// Why, for the event's data.
    public var reason: String

    /// Ends the stream at `at` with `event`.
    public init(at: Double, event: String, reason: String) {
        self.at = at
        self.event = event
        self.reason = reason
    }
}

/// What a handler is given besides the request.
public struct RequestContext: Sendable {
    /// The hub answering the request (publish, subscribe, its templates).
    public let hub: Hub
    /// The `{name}` parts of the route's pattern in order, percent-decoded.
    public let parameters: [(name: String, value: String)]
    /// The loop handling the request.
    let loopIndex: Int
    /// The connection's descriptor (-1 without a socket), for `clientAddress`.
    let peer: Int32

    /// The client's numeric address (the connection's peer; behind a proxy, the proxy's). Read it in the
    /// handler, not in a deferred closure: the connection may be gone by then. Empty without a socket.
    public var clientAddress: String { SocketAddress.peer(of: peer) ?? "" }

    /// The value of `{name}` in the route's pattern.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The last parameter (the only one of `/events/{channel}`); nil for exact routes.
    public var pathParameter: String? { parameters.last?.value }
}

/// Runs on a loop thread; must not block. Throw `HTTPError` for a client error.
public typealias RouteHandler = @Sendable (HTTPRequest, RequestContext) throws -> RouteResult

/// Code around every route's handler, the hub's own routes included (auth, CORS, metrics): it may answer
/// itself, change the request, or call `next` and change what it answers.
public protocol Middleware: Sendable {
    /// Handles `request`: answers it, or calls `next` (with the request, changed or not) and returns or changes
    /// what that answers. Runs on a loop thread like a handler, so it must not block.
    /// - Throws: like a handler: an `HTTPError` becomes its response, a `HubError` its `httpError`, anything
    ///   else a 500.
    func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult
}

/// The frozen route table. Lookups never mutate it, so every loop shares one.
public struct Router: Sendable {
    let exact: [String: [String: RouteHandler]]
    let patterns: [(pattern: RoutePattern, methods: [String: RouteHandler])]

    enum Resolution {
        case handler(RouteHandler, parameters: [(name: String, value: String)])
        case notFound
        case methodNotAllowed(allow: String)
    }

    func resolve(method: String, path: Substring) -> Resolution {
        if let methods = exact[String(path)] { return pick(methods, method: method, parameters: []) }
        let segments = RoutePattern.segments(of: path)
        for route in patterns {
            if let parameters = route.pattern.match(segments) {
                return pick(route.methods, method: method, parameters: parameters)
            }
        }
        return .notFound
    }

    /// Answers `request` as a hub would, without a socket: the route's result, or the error answer (404,
    /// 405 with `Allow`, a thrown `HTTPError` or `HubError`, 500 for anything else). For testing routes.
    public func respond(to request: HTTPRequest, hub: Hub) -> RouteResult {
        route(request, hub: hub, loopIndex: 0, peer: -1)
    }

    func route(_ request: HTTPRequest, hub: Hub, loopIndex: Int, peer: Int32) -> RouteResult {
        switch resolve(method: request.method, path: request.path) {
        case .notFound:
            return .response(HTTPError(.notFound, "no route for \(request.path)").response)
        case .methodNotAllowed(let allow):
            return .response(
                HTTPError(
                    .methodNotAllowed, "\(request.method) is not allowed here; use \(allow)",
                    headers: [("Allow", allow)]
                )
                .response)
        case .handler(let handler, let parameters):
            do {
                return try handler(
                    request, RequestContext(hub: hub, parameters: parameters, loopIndex: loopIndex, peer: peer))
            } catch {
                return .response(Self.response(for: error))
            }
        }
    }

    /// The answer for what a handler threw: an `HTTPError` as itself, a `HubError` as its `httpError`,
    /// anything else a 500. Middleware that catches to add headers (CORS) answers the same.
    package static func response(for error: any Error) -> HTTPResponse {
        switch error {
        case let error as HTTPError: error.response
        case let error as HubError: error.httpError.response
        default: HTTPError(.internalServerError, "internal error: \(error)").response
        }
    }

    private func pick(_ methods: [String: RouteHandler], method: String, parameters: [(name: String, value: String)])
        -> Resolution
    {
        if let handler = methods[method] { return .handler(handler, parameters: parameters) }
        // RFC 9110 §9.3.2: HEAD is GET without the body.
        if method == "HEAD", let handler = methods["GET"] { return .handler(handler, parameters: parameters) }
        var allowed = methods.keys.sorted()
        if methods["GET"] != nil { allowed.append("HEAD") }
        return .methodNotAllowed(allow: allowed.joined(separator: ", "))
    }
}
