import SSEHub

/// The session cookie: its name, and the one way it is set, so a login and a slid session send the same
/// attributes (RFC 6265 §4.1.2: `HttpOnly` keeps it from scripts, `SameSite=Lax` from most cross-site
/// requests, `Secure` when the site is served over HTTPS).
enum SessionCookie {
    static let name = "ssehub_session"

    /// `token` for `lifetime` seconds from when the browser receives it (RFC 6265 §5.2.2: `Max-Age`, which
    /// wins over `Expires` per §5.3 step 3 and needs no agreement between the browser's clock and ours).
    static func issuing(_ token: Token, lifetime: Int64, site: DemoSite) -> SetCookie {
        var cookie = SetCookie(name: name, value: token.text, maxAge: Int(lifetime))
        cookie.secure = site.settings.secureCookies
        return cookie
    }

    /// The token the request's cookie carries; nil when there is none or it is not a token at all.
    static func token(in request: HTTPRequest) -> Token? {
        request.cookie(named: name).flatMap(Token.init)
    }
}
