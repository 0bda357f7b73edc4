import SSEHub

/// Sign-up, login and logout: server-rendered forms, checked for CSRF, with the work on the site's pool.
struct AccountRoutes {
    let site: DemoSite
    /// Before login, forms carry this visitor token (double submit: the cookie and the field must agree).
    static let visitorCookie = "ssehub_visitor"

    func register(in router: inout RouterBuilder) {
        let site = self.site
        router.add("GET", "/signup") { request, context in
            .response(try Self.form("accounts/signup", request: request, hub: context.hub, site: site))
        }
        router.add("GET", "/login") { request, context in
            .response(try Self.form("accounts/login", request: request, hub: context.hub, site: site))
        }
        router.add("POST", "/signup") { request, context in try Self.signUp(request, context, site) }
        router.add("POST", "/login") { request, context in try Self.logIn(request, context, site) }
        router.add("POST", "/logout") { request, context in try Self.logOut(request, context, site) }
    }

    /// A form page with the visitor token, issuing one when the browser has none.
    static func form(
        _ template: String, request: HTTPRequest, hub: Hub, site: DemoSite, status: HTTPStatus = .ok,
        values: [(String, TemplateValue)] = []
    ) throws(HTTPError) -> HTTPResponse {
        let existing = request.cookie(named: visitorCookie).flatMap(Token.init)
        let visitor = existing?.text ?? Token().text
        var response = try PageRenderer.page(
            status, template,
            .object(
                Dictionary(values, uniquingKeysWith: { _, last in last }).merging(["csrf": .string(visitor)]) { $1 }),
            hub: hub)
        if existing == nil { response.setCookie(cookie(visitorCookie, visitor, site: site)) }
        return response
    }

    static func cookie(_ name: String, _ value: String, site: DemoSite, maxAge: Int? = nil) -> SetCookie {
        var cookie = SetCookie(name: name, value: value, maxAge: maxAge)
        cookie.secure = site.settings.secureCookies
        return cookie
    }

    /// The form, after the visitor token and the site of the request are checked (403 otherwise).
    static func checkedVisitorForm(_ request: HTTPRequest) throws(HTTPError) -> FormFields {
        let form = try request.formFields()
        if let problem = CSRFProtection.problem(
            with: request, expected: request.cookie(named: visitorCookie), formToken: form[CSRFProtection.formField])
        {
            throw HTTPError(.forbidden, problem)
        }
        return form
    }

    static func signUp(_ request: HTTPRequest, _ context: RequestContext, _ site: DemoSite) throws -> RouteResult {
        let form = try checkedVisitorForm(request)
        let (email, name, password) = (form["email"] ?? "", form["name"] ?? "", form["password"] ?? "")
        let hub = context.hub
        return site.work { worker in
            switch try worker.accounts.signUp(email: email, name: name, password: password) {
            case .success(let session):
                return loggedIn(session, site: site)
            case .failure(let errors):
                // Typed values come back; the password never does.
                return try Self.form(
                    "accounts/signup", request: request, hub: hub, site: site, status: .unprocessableContent,
                    values: [
                        ("email", .string(email)), ("name", .string(name)),
                        ("errors", .object(errors.messages.mapValues(TemplateValue.string))),
                    ])
            }
        }
    }

    static func logIn(_ request: HTTPRequest, _ context: RequestContext, _ site: DemoSite) throws -> RouteResult {
        let form = try checkedVisitorForm(request)
        let (email, password) = (form["email"] ?? "", form["password"] ?? "")
        let (hub, address) = (context.hub, context.clientAddress)
        return site.work { worker in
            switch try worker.accounts.logIn(email: email, password: password, address: address) {
            case .loggedIn(let session):
                return loggedIn(session, site: site)
            case .invalid:
                return try Self.form(
                    "accounts/login", request: request, hub: hub, site: site, status: .unprocessableContent,
                    values: [("email", .string(email)), ("error", "The email or the password is wrong.")])
            case .throttled(let seconds):
                let minutes = (seconds + 59) / 60
                var page = try Self.form(
                    "accounts/login", request: request, hub: hub, site: site, status: .tooManyRequests,
                    values: [
                        ("email", .string(email)),
                        (
                            "error",
                            .string("Too many failed logins. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
                        ),
                    ])
                page.headers.append(("Retry-After", String(seconds)))
                return page
            }
        }
    }

    static func logOut(_ request: HTTPRequest, _ context: RequestContext, _ site: DemoSite) throws -> RouteResult {
        let form = try request.formFields()
        guard let token = SessionCookie.token(in: request) else {
            throw HTTPError(.forbidden, "not logged in")
        }
        return site.work { worker in
            // The session's own token guards logout, so another site cannot log a user out.
            let session = try worker.accounts.session(for: token)
            if let problem = CSRFProtection.problem(
                with: request, expected: session?.csrfToken, formToken: form[CSRFProtection.formField])
            {
                throw HTTPError(.forbidden, problem)
            }
            try worker.accounts.logOut(token)
            var response = HTTPResponse.redirect(to: "/")
            response.setCookie(.expiring(SessionCookie.name))
            return response
        }
    }

    /// After sign-up or login: the session cookie and a redirect to the boards (303, so a reload does not post
    /// again).
    static func loggedIn(_ session: Session, site: DemoSite) -> HTTPResponse {
        var response = HTTPResponse.redirect(to: "/boards")
        response.setCookie(
            SessionCookie.issuing(session.token, lifetime: site.settings.accounts.sessionLifetime, site: site))
        return response
    }
}
