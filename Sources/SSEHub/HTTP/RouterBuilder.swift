/// Collects routes and middleware; `build()` freezes them into a `Router`.
public struct RouterBuilder: Sendable {
    private var exact: [String: [String: RouteHandler]] = [:]
    private var patterns: [(pattern: RoutePattern, methods: [String: RouteHandler])] = []
    private var middleware: [any Middleware] = []

    /// An empty builder.
    public init() {}

    /// Adds a route for `method`. `pattern` is a path whose segments are literal, `{name}` (one segment) or,
    /// last only, `{name*}` (the rest of the path, slashes and all): `/boards/{id}/cards/{card}`,
    /// `/static/{path*}`. The same pattern again with the same method replaces the handler.
    /// - Precondition: the pattern is well formed (a programmer's error otherwise, caught at start).
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping RouteHandler) {
        guard pattern.contains("{") else {
            exact[pattern, default: [:]][method] = handler
            return
        }
        let compiled = RoutePattern(pattern)
        if let index = patterns.firstIndex(where: { $0.pattern.text == compiled.text }) {
            patterns[index].methods[method] = handler
        } else {
            patterns.append((compiled, [method: handler]))
        }
    }

    /// Wraps every route, added before or after, in `middleware`; the first added is the outermost.
    public mutating func use(_ middleware: some Middleware) {
        self.middleware.append(middleware)
    }

    /// The frozen table: every route wrapped in the middleware, patterns ordered most specific first.
    public func build() -> Router {
        let layers = middleware
        let wrap: (@escaping RouteHandler) -> RouteHandler = { handler in
            var wrapped = handler
            for layer in layers.reversed() {
                let next = wrapped
                wrapped = { request, context in try layer.handle(request, context, next: next) }
            }
            return wrapped
        }
        let exact = self.exact.mapValues { $0.mapValues(wrap) }
        // The most specific first: literal segments beat parameters, which beat a rest parameter.
        let patterns = self.patterns.map { ($0.pattern, $0.methods.mapValues(wrap)) }.sorted {
            $0.0.specificity > $1.0.specificity
        }
        return Router(exact: exact, patterns: patterns)
    }
}
