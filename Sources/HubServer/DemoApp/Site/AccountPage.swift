import SSEHub

/// `GET /account`: who is logged in, and the logout form with the session's CSRF token. The first page that
/// needs a login; the board's pages go through the same gate.
struct AccountPage {
    let site: DemoSite

    func register(in router: inout RouterBuilder) {
        let gate = SessionGate(site: site)
        router.add("GET", "/account") { request, context in
            let hub = context.hub
            return gate.requireSession(request) { _, session in
                try PageRenderer.page(
                    .ok, "accounts/account",
                    .object([
                        "name": .string(session.user.name), "email": .string(session.user.email),
                        "csrf": .string(session.csrfToken),
                    ]), hub: hub)
            }
        }
    }
}
