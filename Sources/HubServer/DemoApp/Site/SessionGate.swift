import SSEHub

/// Routes that need a login: finds the request's session on a worker (its expiry slides there), hands it
/// to the page, and answers for a visitor without one. Runs on a loop; the lookup runs on the site's pool.
///
/// The cookie follows the slide: a response whose lookup moved the expiry carries the same token again with a
/// `Max-Age` to the new expiry. Slides happen at most once per `AccountPolicy.sessionExtensionInterval`, so
/// most responses carry no `Set-Cookie` and browser and server never disagree about when the session ends.
struct SessionGate {
    let site: DemoSite

    /// Answers `request` with `page(worker, session)` when it carries a live session, and as logged out
    /// otherwise: a redirect to /login for a browser's navigation, 401 for htmx and JSON clients (which would
    /// swap or parse a login page), with the stale cookie deleted when one was sent.
    func requireSession(
        _ request: HTTPRequest,
        _ page: @escaping @Sendable (DemoWorker, Session) throws -> HTTPResponse
    ) -> RouteResult {
        guard let token = SessionCookie.token(in: request) else {
            return .response(Self.loggedOut(request, hadCookie: request.cookie(named: SessionCookie.name) != nil))
        }
        return site.work { worker in
            // An expired session is nil here, and its row is deleted by the lookup.
            guard let session = try worker.accounts.session(for: token) else {
                return Self.loggedOut(request, hadCookie: true)
            }
            var response: HTTPResponse
            do {
                response = try page(worker, session)
            } catch let error as HTTPError {
                response = error.response
            }
            // The server moved the expiry: move the browser's too, or the cookie dies at the old time with the
            // session alive. Also on an error answer, since the slide is already written. A slide sets the
            // expiry to the lookup's now plus the full lifetime, so that is the Max-Age.
            if session.wasExtended {
                let lifetime = worker.accounts.policy.sessionLifetime
                response.setCookie(SessionCookie.issuing(token, lifetime: lifetime, site: site))
            }
            return response
        }
    }

    /// Answers `request` with `page(worker, session)`, the session nil for a visitor (a public board is
    /// theirs to read). A slid session's cookie follows, as in `requireSession`.
    func optionalSession(
        _ request: HTTPRequest,
        _ page: @escaping @Sendable (DemoWorker, Session?) throws -> HTTPResponse
    ) -> RouteResult {
        let token = SessionCookie.token(in: request)
        return site.work { worker in
            let session = try token.flatMap { try worker.accounts.session(for: $0) }
            var response: HTTPResponse
            do {
                response = try page(worker, session)
            } catch let error as HTTPError {
                response = error.response
            }
            if let session, session.wasExtended {
                response.setCookie(
                    SessionCookie.issuing(session.token, lifetime: worker.accounts.policy.sessionLifetime, site: site))
            }
            return response
        }
    }

    static func loggedOut(_ request: HTTPRequest, hadCookie: Bool) -> HTTPResponse {
        var response: HTTPResponse
        if request.isHTMX || request.headers["Accept"]?.contains("application/json") == true {
            // htmx does not swap a 401, but it follows HX-Redirect on any status.
            let login = [(HTMXHeader.redirect, "/login")]
            response = HTTPError(.unauthorized, "log in to see this page", headers: login).response
        } else {
            response = .redirect(to: "/login")
        }
        if hadCookie { response.setCookie(.expiring(SessionCookie.name)) }
        return response
    }
}
