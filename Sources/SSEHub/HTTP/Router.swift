/// What a route answers: a complete response, or the request to turn the connection into an event stream.
public enum RouteResult: Sendable {
    case response(HTTPResponse)
    case eventStream(StreamRequest)
    /// The answer comes later (a publish waiting for its broker-assigned id). The handler's closure is called
    /// at once with a `respond` function that may be called once, from any thread. The connection answers
    /// nothing after this request until then, so pipelined answers stay in order. Past the hub's head timeout
    /// the client gets a 503 instead and a later `respond` is ignored; for HEAD only the answer's head is sent.
    case deferred(@Sendable (_ respond: @escaping @Sendable (HTTPResponse) -> Void) -> Void)
}

/// A subscription asked for over HTTP: the channels (already validated) and where to resume from.
public struct StreamRequest: Sendable {
    public var channels: [String]
    public var lastEventID: String?

    public init(channels: [String], lastEventID: String?) {
        self.channels = channels
        self.lastEventID = lastEventID
    }
}

/// What a handler is given besides the request.
public struct RequestContext: Sendable {
    public let hub: Hub
    /// The `{name}` part of a route pattern, percent-decoded (nil for exact routes).
    public let pathParameter: String?
    /// The loop handling the request.
    let loopIndex: Int
}

/// Runs on a loop thread; must not block. Throw `HTTPError` for a client error.
public typealias RouteHandler = @Sendable (HTTPRequest, RequestContext) throws -> RouteResult

/// Collects routes; `build()` freezes them into a `Router`.
public struct RouterBuilder: Sendable {
    private var exact: [String: [String: RouteHandler]] = [:]
    private var prefixed: [(prefix: String, spansSegments: Bool, methods: [String: RouteHandler])] = []

    public init() {}

    /// Adds a route. `pattern` is an exact path ("/broadcast"), a path ending in one parameter segment
    /// ("/events/{channel}"), or a path ending in a parameter that may span segments ("/static/{path*}").
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping RouteHandler) {
        if let brace = pattern.firstIndex(of: "{") {
            let prefix = String(pattern[..<brace])
            let spans = pattern.hasSuffix("*}")
            if let index = prefixed.firstIndex(where: { $0.prefix == prefix && $0.spansSegments == spans }) {
                prefixed[index].methods[method] = handler
            } else {
                prefixed.append((prefix, spans, [method: handler]))
            }
        } else {
            exact[pattern, default: [:]][method] = handler
        }
    }

    public func build() -> Router {
        // Longest prefix first, so "/events/x/{id}" would win over "/events/{name}".
        Router(exact: exact, prefixed: prefixed.sorted { $0.prefix.count > $1.prefix.count })
    }
}

/// The frozen route table. Lookups never mutate it, so every loop shares one.
public struct Router: Sendable {
    let exact: [String: [String: RouteHandler]]
    let prefixed: [(prefix: String, spansSegments: Bool, methods: [String: RouteHandler])]

    enum Resolution {
        case handler(RouteHandler, parameter: String?)
        case notFound
        case methodNotAllowed(allow: String)
    }

    func resolve(method: String, path: Substring) -> Resolution {
        if let methods = exact[String(path)] { return pick(methods, method: method, parameter: nil) }
        for route in prefixed where path.hasPrefix(route.prefix) {
            let rest = path.dropFirst(route.prefix.count)
            guard !rest.isEmpty, route.spansSegments || !rest.contains("/") else { continue }
            let decoded = FormDecoder.percentDecoded(rest.utf8, plusIsSpace: false)
            return pick(route.methods, method: method, parameter: String(decoding: decoded, as: UTF8.self))
        }
        return .notFound
    }

    private func pick(_ methods: [String: RouteHandler], method: String, parameter: String?) -> Resolution {
        if let handler = methods[method] { return .handler(handler, parameter: parameter) }
        // RFC 9110 §9.3.2: HEAD is GET without the body.
        if method == "HEAD", let handler = methods["GET"] { return .handler(handler, parameter: parameter) }
        var allowed = methods.keys.sorted()
        if methods["GET"] != nil { allowed.append("HEAD") }
        return .methodNotAllowed(allow: allowed.joined(separator: ", "))
    }
}
