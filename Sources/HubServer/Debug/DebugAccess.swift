import Broadcast
import DemoApp

/// Who may use the debug page: a browser holding the admin cookie (set by signing in with the admin token) or a
/// client sending the token as `Authorization: Bearer`. The cookie holds the token's SHA-256, never the token,
/// and is `HttpOnly; SameSite=Strict` on `/debug` only; every POST must also come from the page's own origin.
struct DebugAccess: Sendable {
    static let cookieName = "ssehub_admin"
    /// The admin token; nil when the hub runs without one (the page is off).
    let token: String?
    let secureCookies: Bool

    /// The cookie's value for `token`: hex of its SHA-256.
    static func cookieValue(for token: String) -> String {
        Digest.sha256(Array(token.utf8)).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `request` carries the admin cookie or the token, compared in constant time.
    func allows(_ request: HTTPRequest) -> Bool {
        guard let token else { return false }
        if let header = request.headers["Authorization"], header.lowercased().hasPrefix("bearer ") {
            return Digest.constantTimeEqual(Array(header.utf8.dropFirst(7)), Array(token.utf8))
        }
        guard let cookie = request.cookie(named: Self.cookieName) else { return false }
        return Digest.constantTimeEqual(Array(cookie.utf8), Array(Self.cookieValue(for: token).utf8))
    }

    /// Whether `given` is the admin token (constant time).
    func matches(_ given: String) -> Bool {
        guard let token else { return false }
        return Digest.constantTimeEqual(Array(given.utf8), Array(token.utf8))
    }

    /// The cookie a successful sign-in sets (a browser session: no `Max-Age`), or the one that deletes it.
    func cookie(signedIn: Bool) -> SetCookie {
        var cookie =
            signedIn
            ? SetCookie(name: Self.cookieName, value: Self.cookieValue(for: token ?? ""))
            : SetCookie.expiring(Self.cookieName, path: "/debug")
        cookie.path = "/debug"
        cookie.sameSite = .strict
        cookie.secure = secureCookies
        return cookie
    }

    /// A 403 unless a POST comes from this page's origin (Fetch Metadata, else `Origin`).
    static func requireSameOrigin(_ request: HTTPRequest) throws(HTTPError) {
        guard CSRFProtection.isSameOrigin(request) else {
            throw HTTPError(.forbidden, "the request does not come from the debug page")
        }
    }
}
