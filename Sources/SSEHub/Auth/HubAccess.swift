/// Installs the hub's own access rules from its configuration: CORS (with its preflight routes) and the JWT
/// gate, each only when configured.
enum HubAccess {
    /// Adds CORS and the JWT gate to `router`; returns the gate, which publishes consult too.
    /// - Throws: `AuthConfigurationError` for an unusable secret, key or origin.
    static func install(_ configuration: HubConfiguration, in router: inout RouterBuilder)
        throws(AuthConfigurationError) -> TokenGate?
    {
        // An empty token would match an empty one sent: the admin endpoints would be open to anyone.
        if configuration.adminToken?.isEmpty == true { throw AuthConfigurationError("the admin token is empty") }
        if configuration.publishToken?.isEmpty == true { throw AuthConfigurationError("the publish token is empty") }
        if !configuration.corsOrigins.isEmpty {
            let cors = try CORSPolicy(origins: configuration.corsOrigins)
            cors.registerPreflights(in: &router)
            router.use(cors)
        }
        guard configuration.jwtSecret != nil || configuration.jwtPublicKeyPEM != nil else { return nil }
        let gate = try TokenGate(configuration: configuration)
        router.use(gate)
        return gate
    }
}
