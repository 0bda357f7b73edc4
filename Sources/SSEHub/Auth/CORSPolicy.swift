/// CORS (Fetch standard §3.2, "CORS protocol") for the hub's own routes, `/events`, `/events/{channel}` and
/// `/broadcast`, so a page of another origin can subscribe and publish. An exact list of origins gets its
/// origin echoed with `Access-Control-Allow-Credentials: true` (cookies and `EventSource` with
/// `withCredentials`); `*` lets any origin read, never with credentials (§3.2.5: a credentialed request is
/// refused a `*`). Every answer of those routes carries `Vary: Origin`, as an answer that depends on the
/// origin must (§3.2.5 and RFC 9110 §12.5.5), errors included, so a page can read why it was refused.
/// An origin not on the list gets no CORS headers: its page cannot read the answer. Immutable; any thread.
package struct CORSPolicy: Middleware {
    enum Allowed: Sendable {
        case anyOrigin
        case exact(Set<String>)
    }

    let allowed: Allowed
    /// The request headers a preflight may ask for: the bearer token, the body's type, and the resume id.
    static let allowedHeaders = ["Authorization", "Content-Type", "Last-Event-ID"]
    /// How long a browser may keep a preflight's answer (`Access-Control-Max-Age`, Fetch §3.2.3).
    static let preflightMaxAgeSeconds = 600

    /// - Throws: `AuthConfigurationError` for an origin that is not `scheme://host[:port]`, for `null` (the
    ///   origin of sandboxed and local pages, which anyone can produce), or for `*` next to other origins.
    package init(origins: [String]) throws(AuthConfigurationError) {
        if origins.contains("*") {
            guard origins.count == 1 else {
                throw AuthConfigurationError("a CORS origin of * stands alone (it allows every origin)")
            }
            allowed = .anyOrigin
            return
        }
        var set = Set<String>()
        for origin in origins {
            let lowered = origin.lowercased()
            guard lowered != "null" else {
                throw AuthConfigurationError(
                    "the origin null (sandboxed and local pages, which any site can open) cannot be allowed")
            }
            let host =
                lowered.hasPrefix("https://")
                ? lowered.dropFirst(8) : lowered.hasPrefix("http://") ? lowered.dropFirst(7) : ""
            // Visible ASCII only: an allowed origin is echoed into a header line.
            guard !host.isEmpty, !host.contains(where: { "/?#@".contains($0) }),
                lowered.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                throw AuthConfigurationError(
                    "CORS origin \"\(origin)\" is not scheme://host[:port] (like https://app.example)")
            }
            // Fetch §3.2.5 compares the serialized origin byte for byte; browsers send scheme and host lowercase.
            set.insert(lowered)
        }
        allowed = .exact(set)
    }

    /// Whether `path` is one of the routes CORS applies to.
    static func covers(_ path: Substring) -> Bool {
        path == "/broadcast" || path == "/events" || path.hasPrefix("/events/")
    }

    /// The header fields an actual (not preflight) request from the request's origin gets.
    func headers(for request: HTTPRequest) -> [(String, String)] {
        var headers = [("Vary", "Origin")]
        guard let origin = request.headers["Origin"] else { return headers }
        switch allowed {
        case .anyOrigin:
            headers.append(("Access-Control-Allow-Origin", "*"))
        case .exact(let origins) where origins.contains(origin):
            headers.append(("Access-Control-Allow-Origin", origin))
            headers.append(("Access-Control-Allow-Credentials", "true"))
        case .exact:
            break
        }
        return headers
    }

    package func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult {
        guard Self.covers(request.path), request.method != "OPTIONS" else { return try next(request, context) }
        let cors = headers(for: request)
        let result: RouteResult
        do {
            result = try next(request, context)
        } catch {
            return .response(Self.adding(cors, to: Router.response(for: error)))
        }
        switch result {
        case .response(let response):
            return .response(Self.adding(cors, to: response))
        case .eventStream(var stream):
            stream.headers.append(contentsOf: cors)
            return .eventStream(stream)
        case .deferred(let start):
            return .deferred { respond in start { respond(Self.adding(cors, to: $0)) } }
        case .deferredAnswer(let start):
            return .deferredAnswer { answer in
                start { result in
                    switch result {
                    case .response(let response): answer(.response(Self.adding(cors, to: response)))
                    case .eventStream(var stream):
                        stream.headers.append(contentsOf: cors)
                        answer(.eventStream(stream))
                    }
                }
            }
        }
    }

    private static func adding(_ headers: [(String, String)], to response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.headers.append(contentsOf: headers)
        return response
    }

    /// Answers `OPTIONS` on a CORS route whose one method is `method` (Fetch §4.8, CORS-preflight fetch): an
    /// allowed origin asking for that method and the allowed headers gets 204 with what it may do; anything else
    /// a 403 that says what was refused, with no CORS headers (the browser then refuses the request).
    func preflight(_ request: HTTPRequest, method: String) -> HTTPResponse {
        let vary = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
        guard let origin = request.headers["Origin"], let asked = request.headers["Access-Control-Request-Method"]
        else {
            // RFC 9110 §9.3.7: a plain OPTIONS learns the methods.
            var response = HTTPResponse(status: .noContent, headers: [("Allow", "OPTIONS, \(method)"), vary])
            response.declaresLength = false
            return response
        }
        var allowOrigin = [("Access-Control-Allow-Origin", "*")]
        if case .exact(let origins) = allowed {
            guard origins.contains(origin) else {
                return Self.refusal("origin \(origin) may not use this hub (not among --cors-origin)", vary)
            }
            allowOrigin = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        }
        guard asked == method || (method == "GET" && asked == "HEAD") else {
            return Self.refusal("method \(asked) is not allowed here; use \(method)", vary)
        }
        let wanted = (request.headers["Access-Control-Request-Headers"] ?? "").split(separator: ",").map {
            String(decoding: HTTPWhitespace.trimmed($0.utf8), as: UTF8.self)
        }
        let known = Set(Self.allowedHeaders.map { $0.lowercased() })
        if let unknown = wanted.first(where: { !$0.isEmpty && !known.contains($0.lowercased()) }) {
            return Self.refusal(
                "request header \(unknown) is not allowed; allowed: \(Self.allowedHeaders.joined(separator: ", "))",
                vary)
        }
        var response = HTTPResponse(
            status: .noContent,
            headers: allowOrigin + [
                ("Access-Control-Allow-Methods", method),
                ("Access-Control-Allow-Headers", Self.allowedHeaders.joined(separator: ", ")),
                ("Access-Control-Max-Age", String(Self.preflightMaxAgeSeconds)), vary,
            ])
        response.declaresLength = false
        return response
    }

    private static func refusal(_ message: String, _ vary: (String, String)) -> HTTPResponse {
        HTTPError(.forbidden, "CORS preflight refused: \(message)", headers: [vary]).response
    }

    /// Adds the preflight routes of the CORS routes.
    func registerPreflights(in router: inout RouterBuilder) {
        let policy = self
        router.add("OPTIONS", "/broadcast") { request, _ in .response(policy.preflight(request, method: "POST")) }
        router.add("OPTIONS", "/events") { request, _ in .response(policy.preflight(request, method: "GET")) }
        router.add("OPTIONS", "/events/{channel}") { request, _ in
            .response(policy.preflight(request, method: "GET"))
        }
    }
}
