extension BroadcastEndpoint {
    /// Who may publish what: without JWT, everyone, or (with `--publish-token`) whoever sends that token; with
    /// JWT, a bearer token that is the publish token (every channel) or a JWT (its `ssehub.publish`).
    /// - Throws: `HTTPError` 401 without a bearer token where one is needed, or with one that does not verify.
    static func publishGrant(for request: HTTPRequest, hub: Hub) throws(HTTPError) -> ChannelGrant {
        let publishToken = hub.configuration.publishToken
        guard let gate = hub.tokenGate else {
            if let publishToken { try BearerAuthorization.require(request, token: publishToken, purpose: "publishing") }
            return .everything
        }
        guard let bearer = try TokenGate.bearer(in: request) else {
            throw TokenGate.unauthorized("publishing needs Authorization: Bearer <token> (a JWT or the publish token)")
        }
        if let publishToken, ConstantTime.equal(Array(bearer.utf8), Array(publishToken.utf8)) { return .everything }
        return try gate.publishGrant(bearer: bearer)
    }

    /// 403 unless `grant` covers every one of `channels`.
    static func allow(_ channels: [String], by grant: ChannelGrant) throws(HTTPError) {
        if let refused = grant.firstRefused(channels) {
            throw TokenGate.forbidden("the token does not allow publishing to \"\(refused)\"")
        }
    }
}
