/// JWT authorization of the hub's streams and publishes, for a hub used without an app in front of it.
///
/// Streams: a `Middleware` (the hook apps guard their own streams with), installed by `Hub.start` before the
/// app's middleware, so it sees every stream any route opens, at once or through a deferred answer an app's
/// own check gives (then it checks the stream that answer opens): without a token (unless anonymous
/// subscribers are allowed) or with an invalid one, 401; with a token whose `ssehub.subscribe` does not cover
/// every channel, 403; otherwise the stream opens and ends at the token's expiry. So an app's check adds to
/// the token's, never replaces it: a stream of an app-guarded channel and another channel cannot slip past.
/// Publishes: `BroadcastEndpoint` asks `publishGrant(bearer:)`. Immutable; used on every loop and worker thread.
package struct TokenGate: Middleware {
    let verifier: JWTVerifier
    /// The cookie a subscriber's token may come in (nil: none).
    let cookieName: String?
    let anonymousSubscribe: Bool

    /// The named event a stream gets when its token expires, just before the hub closes it.
    package static let expiredEvent = "token-expired"

    package init(configuration: HubConfiguration) throws(AuthConfigurationError) {
        let keys = try JWTKeys(secret: configuration.jwtSecret, publicKeyPEM: configuration.jwtPublicKeyPEM)
        verifier = JWTVerifier(
            keys: keys, leewaySeconds: configuration.jwtLeewaySeconds, audience: configuration.jwtAudience)
        cookieName = configuration.jwtCookie
        anonymousSubscribe = configuration.anonymousSubscribe
    }

    package func handle(_ request: HTTPRequest, _ context: RequestContext, next: RouteHandler) throws -> RouteResult {
        switch try next(request, context) {
        case .eventStream(let stream):
            return .eventStream(try authorized(stream, request))
        case .deferredAnswer(let start):
            let gate = self
            return .deferredAnswer { answer in
                start { result in
                    guard case .eventStream(let stream) = result else { return answer(result) }
                    do {
                        answer(.eventStream(try gate.authorized(stream, request)))
                    } catch {
                        answer(.response(Router.response(for: error)))
                    }
                }
            }
        case let other:
            return other
        }
    }

    /// `stream` as the request's token allows it (with its end at the token's expiry).
    /// - Throws: `HTTPError` 401 or 403 saying why not.
    func authorized(_ stream: StreamRequest, _ request: HTTPRequest) throws(HTTPError) -> StreamRequest {
        var stream = stream
        guard let token = try subscriberToken(in: request) else {
            if anonymousSubscribe { return stream }
            var sources = "Authorization: Bearer <token>"
            if let cookieName { sources += ", the \(cookieName) cookie" }
            throw Self.unauthorized("this stream needs a token: \(sources) or access_token in the query")
        }
        let grant = try verified(token)
        if let refused = grant.subscribe.firstRefused(stream.channels) {
            throw Self.forbidden("the token does not allow subscribing to \"\(refused)\"")
        }
        if let until = grant.validUntil {
            stream.end = StreamEnd(at: until, event: Self.expiredEvent, reason: "the token expired")
        }
        return stream
    }

    /// The channels `request` may publish to, from its `Authorization: Bearer` JWT. Only the header counts for
    /// publishing: a cookie would let any page the browser visits publish (a cross-site form post needs no
    /// preflight), and a token in a URL ends up in logs.
    /// - Throws: `HTTPError` 401 without a bearer token or with one that does not verify.
    package func publishGrant(bearer: String) throws(HTTPError) -> ChannelGrant {
        try verified(bearer).publish
    }

    private func verified(_ token: String) throws(HTTPError) -> TokenGrant {
        do {
            return try verifier.verify(token.utf8)
        } catch {
            throw Self.unauthorized("the token is not valid: \(error.reason)", error: "invalid_token")
        }
    }

    /// The subscriber's token: `Authorization: Bearer`, else the configured cookie, else `access_token` in the
    /// query (EventSource cannot set headers, WHATWG HTML §9.2.2). The first source present is the one used:
    /// a bad header is refused rather than passed over for a cookie.
    func subscriberToken(in request: HTTPRequest) throws(HTTPError) -> String? {
        if request.headers["Authorization"] != nil { return try Self.bearer(in: request) }
        if let cookieName, let value = request.cookie(named: cookieName) { return value }
        let given = try request.queryValues(named: "access_token")
        guard given.count <= 1 else { throw HTTPError(.badRequest, "access_token is given \(given.count) times") }
        return given.first
    }

    /// The token of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive, RFC 9110
    /// §11.1); nil without the header.
    /// - Throws: `HTTPError` 401 for another scheme or an empty token.
    package static func bearer(in request: HTTPRequest) throws(HTTPError) -> String? {
        guard let header = request.headers["Authorization"] else { return nil }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw unauthorized("the Authorization header must be Bearer <token>")
        }
        let token = String(decoding: HTTPWhitespace.trimmed(header.utf8.dropFirst(7)), as: UTF8.self)
        guard !token.isEmpty else { throw unauthorized("the Authorization header has no token") }
        return token
    }

    /// 401 with the challenge of RFC 6750 §3 (`error="invalid_token"` when a token was sent but refused).
    package static func unauthorized(_ message: String, error: String? = nil) -> HTTPError {
        let challenge = error.map { "Bearer error=\"\($0)\"" } ?? "Bearer"
        return HTTPError(.unauthorized, message, headers: [("WWW-Authenticate", challenge)])
    }

    /// 403: a valid token that does not cover a channel (RFC 6750 §3.1 `insufficient_scope`).
    package static func forbidden(_ message: String) -> HTTPError {
        HTTPError(.forbidden, message, headers: [("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")])
    }
}
