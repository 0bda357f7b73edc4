/// A `Set-Cookie` the response sends (RFC 6265 §4.1). Secure defaults: `HttpOnly`, `SameSite=Lax`, `Path=/`.
public struct SetCookie: Sendable, Equatable {
    /// RFC 6265 §5.2.7: how a browser sends the cookie on requests from other sites.
    public enum SameSite: String, Sendable {
        /// Only on requests from this site (not even when following a link from another).
        case strict = "Strict"
        /// On requests from this site and on top-level navigations to it (links), not on cross-site posts.
        case lax = "Lax"
        /// Only with `secure` (browsers drop `SameSite=None` without `Secure`).
        case none = "None"
    }

    /// The cookie's name (an RFC 9110 token).
    public var name: String
    /// The cookie's value (cookie-octets only).
    public var value: String
    /// Seconds until the browser forgets it; nil for a session cookie, 0 to delete it now.
    public var maxAge: Int?
    /// `Path`: the paths the browser sends it to; nil leaves the browser's default (the request's directory).
    public var path: String? = "/"
    /// `HttpOnly`: hidden from page scripts (keep it for session cookies).
    public var httpOnly = true
    /// `Secure`: sent over HTTPS only.
    public var secure = false
    /// `SameSite`; nil sends no attribute (browsers then treat it as `Lax`).
    public var sameSite: SameSite? = .lax

    /// - Precondition: `name` is an RFC 9110 token and `value` holds only cookie-octets (§4.1.1: no spaces,
    ///   quotes, commas, semicolons, backslashes or controls); both come from the app, never from a request.
    public init(name: String, value: String, maxAge: Int? = nil) {
        precondition(!name.isEmpty && name.utf8.allSatisfy(ASCII.isTokenByte), "cookie name \"\(name)\" is not a token")
        precondition(
            value.utf8.allSatisfy(Self.isCookieOctet), "cookie \(name)'s value has a byte cookies cannot carry")
        self.name = name
        self.value = value
        self.maxAge = maxAge
    }

    /// A cookie that deletes `name` (the same path, an empty value, `Max-Age=0`).
    public static func expiring(_ name: String, path: String? = "/") -> SetCookie {
        var cookie = SetCookie(name: name, value: "", maxAge: 0)
        cookie.path = path
        return cookie
    }

    /// The header value: `name=value` and the attributes.
    public var headerValue: String {
        var parts = ["\(name)=\(value)"]
        if let maxAge { parts.append("Max-Age=\(max(0, maxAge))") }
        if let path { parts.append("Path=\(path)") }
        if secure { parts.append("Secure") }
        if httpOnly { parts.append("HttpOnly") }
        if let sameSite { parts.append("SameSite=\(sameSite.rawValue)") }
        return parts.joined(separator: "; ")
    }

    static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte) || (0x3C...0x5B).contains(byte)
            || (0x5D...0x7E).contains(byte)
    }
}

extension HTTPRequest {
    /// The cookies the request carries (RFC 6265 §5.4: `name=value` pairs separated by `; `), in order. Pairs
    /// without `=` are skipped; a value in double quotes keeps them (§4.1.1 makes them part of the value).
    public var cookies: [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<equals].trimmingSpaces()
                guard !name.isEmpty else { continue }
                pairs.append((name, pair[pair.index(after: equals)...].trimmingSpaces()))
            }
        }
        return pairs
    }

    /// The first cookie called `name`. Browsers send the most specific path first (§5.4 step 2), so the first
    /// is the one meant for this page.
    public func cookie(named name: String) -> String? {
        cookies.first { $0.name == name }?.value
    }
}

extension HTTPResponse {
    /// Adds a `Set-Cookie` header (one per cookie: RFC 6265 §3 forbids folding them into one).
    public mutating func setCookie(_ cookie: SetCookie) {
        headers.append(("Set-Cookie", cookie.headerValue))
    }
}
