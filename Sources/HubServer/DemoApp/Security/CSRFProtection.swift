import SSEHub

/// The two checks every state-changing request passes: it comes from this site (Fetch Metadata or `Origin`),
/// and it carries the CSRF token of its session (or, before login, of its visitor cookie), compared in
/// constant time. Either alone can fail open somewhere (old browsers, a token leaked to a page); together they
/// do not.
public enum CSRFProtection {
    /// The form field and the header (htmx sends it through `hx-headers`) that carry the token.
    public static let formField = "csrf_token"
    public static let header = "X-CSRF-Token"

    /// RFC 9110 §9.2.1: GET, HEAD and OPTIONS are safe and must not change state, so they are not checked.
    public static func isStateChanging(_ request: HTTPRequest) -> Bool {
        !["GET", "HEAD", "OPTIONS"].contains(request.method)
    }

    /// Why `request` is refused, or nil when it passes. `expected` is the token of the session or visitor;
    /// `formToken` the value of the form's `csrf_token` field if the body is a form.
    public static func problem(with request: HTTPRequest, expected: String?, formToken: String?) -> String? {
        guard isStateChanging(request) else { return nil }
        guard isSameOrigin(request) else { return "the request does not come from this site" }
        guard let expected, !expected.isEmpty else {
            return "no CSRF token was issued to this browser; reload the page"
        }
        guard let sent = request.headers[header] ?? formToken else {
            return "the CSRF token is missing; reload the page"
        }
        guard Digest.constantTimeEqual(Array(sent.utf8), Array(expected.utf8)) else {
            return "the CSRF token does not match; reload the page"
        }
        return nil
    }

    /// Fetch Metadata first (`Sec-Fetch-Site: same-origin`, sent by every current browser); without it, the
    /// `Origin` (RFC 6454) must name the host the request was sent to. Neither: refused, as an old browser or a
    /// script outside a browser gives no proof.
    public static func isSameOrigin(_ request: HTTPRequest) -> Bool {
        if let site = request.headers["Sec-Fetch-Site"] { return site == "same-origin" }
        guard let origin = request.headers["Origin"], let host = request.headers["Host"] else { return false }
        let parts = origin.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        // "scheme:" "" "authority": anything else ("null", a path after the authority) is not one origin.
        guard parts.count == 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return false }
        let authority = parts[2]
        return !authority.contains("/") && authority.lowercased() == host.lowercased()
    }
}
