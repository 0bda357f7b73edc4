import SSEHub

/// Renders the site's pages from the hub's templates (escaped by default) with the headers every app page
/// carries: a Content-Security-Policy of this site only (no inline script, no framing), no MIME sniffing,
/// no referrer to other sites, and no caching of pages that show a session's data.
public enum PageRenderer {
    public static let securityHeaders: [(String, String)] = [
        // Pico CSS draws its form icons as data: SVGs, hence `img-src data:` (images cannot run script).
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]

    static func page(_ status: HTTPStatus = .ok, _ template: String, _ context: TemplateValue, hub: Hub)
        throws(HTTPError)
        -> HTTPResponse
    {
        guard let templates = hub.templates else {
            throw HTTPError(.internalServerError, "the hub was started without the site's templates")
        }
        do {
            var response = HTTPResponse.html(status, try templates.render(template, context))
            response.headers.append(contentsOf: securityHeaders)
            return response
        } catch {
            throw HTTPError(.internalServerError, "page \(template) cannot be rendered: \(error)")
        }
    }
}
