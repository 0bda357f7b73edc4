/// Responses a web app sends besides JSON and text: pages, redirects, and the headers htmx reads.
extension HTTPResponse {
    /// An HTML page or partial, `text/html; charset=utf-8`.
    public static func html(_ status: HTTPStatus = .ok, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: body)
    }

    /// The same from a `String`.
    public static func html(_ status: HTTPStatus = .ok, _ body: String) -> HTTPResponse {
        html(status, Array(body.utf8))
    }

    /// A redirect after a form post: 303 makes the browser GET `location` (RFC 9110 §15.4.4), so a reload
    /// does not post again.
    /// - Precondition: `location` has no CR or LF (it becomes a header line).
    public static func redirect(to location: String, status: HTTPStatus = .seeOther) -> HTTPResponse {
        precondition(!location.utf8.contains { $0 == 0x0D || $0 == 0x0A }, "a Location must not contain CR or LF")
        return HTTPResponse(status: status, headers: [("Location", location)])
    }

    /// Adds a header and returns the response, for chaining: `.html(page).adding("Cache-Control", "no-store")`.
    /// A field with CR, LF or NUL is not sent (it would split the response); the hub keeps running.
    public func adding(_ name: String, _ value: String) -> HTTPResponse {
        var response = self
        response.headers.append((name, value))
        return response
    }

    /// The first value of header `name` (case-insensitive), as set on this response.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// The response headers htmx 2 and 4 act on (htmx.org/reference/#response_headers).
public enum HTMXHeader {
    /// A full-page navigation to this URL, instead of a swap (after login, for one).
    public static let redirect = "HX-Redirect"
    /// Events to trigger on the client: a name, or JSON `{"name": detail}`.
    public static let trigger = "HX-Trigger"
    /// A CSS selector: swap into this element instead of the request's target (a form's error box).
    public static let retarget = "HX-Retarget"
    /// How to swap (`outerHTML`, `beforeend`, ...), overriding the element's `hx-swap`.
    public static let reswap = "HX-Reswap"
    /// Reload the whole page.
    public static let refresh = "HX-Refresh"
}

extension HTTPRequest {
    /// Whether htmx sent this request (`HX-Request: true`): answer with a partial instead of a page.
    public var isHTMX: Bool { headers["HX-Request"] == "true" }
}
