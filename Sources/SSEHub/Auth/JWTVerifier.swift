import Glibc

/// Checks a compact JWS (RFC 7515 §7.1) and reads the claims this hub acts on (RFC 7519 §4.1): the
/// signature with the key configured for the header's `alg`, then `exp` and `nbf` with a leeway for clock
/// skew, then the `ssehub` claim: `{"subscribe": [...], "publish": [...]}`, each a list of channel names and
/// `prefix*` patterns. Safe to use from any thread.
package struct JWTVerifier: Sendable {
    let keys: JWTKeys
    /// Seconds of clock skew allowed on `exp` and `nbf` (RFC 7519 §4.1.4 and §4.1.5: "some small leeway").
    let leeway: Double
    /// The audience this hub answers to (`aud`, RFC 7519 §4.1.3); nil: it names none, and a token that names
    /// an audience is not meant for it.
    let audience: String?

    package init(keys: JWTKeys, leewaySeconds: Int, audience: String? = nil) {
        self.keys = keys
        self.leeway = Double(leewaySeconds)
        self.audience = audience
    }

    /// Why a token was refused: the message of a 401.
    package struct Rejection: Error, Sendable {
        package let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The grant of `token` at `now` (seconds since the Unix epoch).
    /// - Throws: `Rejection` saying what is wrong: its form, its algorithm, its signature, its times, its claims.
    package func verify(_ token: some Collection<UInt8>, now: Double = Self.now()) throws(Rejection) -> TokenGrant {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw Rejection(
                parts.count == 5
                    ? "encrypted tokens (JWE) are not accepted; send a signed JWT"
                    : "not a JWT (expected three base64url parts separated by dots)")
        }
        let header = try object(parts[0], "header")
        // RFC 7515 §4.1.11: an extension the token says must be understood, which this hub does not know.
        if header["crit"] != nil {
            throw Rejection("the header names critical extensions (crit), none of which are supported")
        }
        guard let name = header["alg"]?.stringValue else { throw Rejection("the header has no \"alg\"") }
        guard let algorithm = JWSAlgorithm(rawValue: name), keys.accepts(algorithm) else {
            let accepted = keys.accepted.joined(separator: " or ")
            throw Rejection(
                name == "none"
                    ? "unsigned tokens (alg none) are never accepted"
                    : "alg \(name) is not accepted; this hub verifies \(accepted)")
        }
        guard let signature = Base64URL.decode(parts[2]) else { throw Rejection("the signature is not base64url") }
        // RFC 7515 §5.2 step 8: the signing input is the two encoded parts as sent, joined by a dot.
        let input = Array(token.prefix(parts[0].count + 1 + parts[1].count))
        guard keys.verify(algorithm, signature: signature, of: input) else {
            throw Rejection("the signature does not match (\(name))")
        }
        // Claims are read only once the signature has proved who wrote them.
        let claims = try object(parts[1], "payload")
        let expires = try time(claims, "exp")
        if let expires, now >= expires + leeway {
            throw Rejection(
                "the token expired at \(Self.text(expires)) (now \(Self.text(now)), leeway \(Int(leeway)) s)")
        }
        if let notBefore = try time(claims, "nbf"), now + leeway < notBefore {
            throw Rejection(
                "the token is not valid before \(Self.text(notBefore)) (now \(Self.text(now)), leeway \(Int(leeway)) s)"
            )
        }
        try checkAudience(claims["aud"])
        var grant = TokenGrant(subscribe: .nothing, publish: .nothing, validUntil: expires.map { $0 + leeway })
        switch claims["ssehub"] {
        case nil, .null?: break
        case .object?:
            grant.subscribe = try channels(claims["ssehub"]?["subscribe"], "subscribe")
            grant.publish = try channels(claims["ssehub"]?["publish"], "publish")
        default: throw Rejection("the \"ssehub\" claim must be an object of \"subscribe\" and \"publish\" lists")
        }
        return grant
    }

    /// Seconds since the Unix epoch, from the wall clock (`exp` and `nbf` are NumericDates, RFC 7519 §2).
    package static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Whole seconds for a message; a time no clock reaches (`-1e300`) as written, since `Int` would trap on it.
    private static func text(_ seconds: Double) -> String {
        abs(seconds) < 1e15 ? String(Int(seconds)) : "\(seconds)"
    }

    private func object(_ part: some Collection<UInt8>, _ what: String) throws(Rejection) -> JSONValue {
        guard let bytes = Base64URL.decode(part) else { throw Rejection("the \(what) is not base64url") }
        guard UTF8Validation.isValid(bytes), let value = try? JSONParser.parse(bytes), case .object = value else {
            throw Rejection("the \(what) is not a JSON object")
        }
        return value
    }

    /// RFC 7519 §4.1.3: a token that names audiences must name this hub's, or it "MUST be rejected"; one
    /// without `aud` is for anyone the key signs for. `aud` is a string or a list of strings.
    private func checkAudience(_ value: JSONValue?) throws(Rejection) {
        let named: [String]
        switch value {
        case nil: return
        case .string(let one)?: named = [one]
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
            named = items.compactMap(\.stringValue)
        default: throw Rejection("\"aud\" must be a string or a list of strings (RFC 7519 §4.1.3)")
        }
        guard let audience else {
            throw Rejection("the token is for an audience (aud) and this hub names none; set --jwt-audience")
        }
        guard named.contains(audience) else {
            throw Rejection("the token is not for this hub: aud does not name \"\(audience)\"")
        }
    }

    /// A NumericDate claim (RFC 7519 §2: seconds, fractions allowed); nil when absent.
    private func time(_ claims: JSONValue, _ name: String) throws(Rejection) -> Double? {
        switch claims[name] {
        case nil: return nil
        case .number(let seconds)? where seconds.isFinite: return seconds
        default: throw Rejection("\"\(name)\" must be a number of seconds since 1970 (RFC 7519 §2)")
        }
    }

    private func channels(_ value: JSONValue?, _ name: String) throws(Rejection) -> ChannelGrant {
        switch value {
        case nil, .null?: return .nothing
        case .array(let items)?:
            let names = items.compactMap(\.stringValue)
            guard names.count == items.count else { throw Rejection("\"ssehub.\(name)\" must list strings") }
            return ChannelGrant(patterns: names)
        default: throw Rejection("\"ssehub.\(name)\" must be a list of channel names or prefixes ending in *")
        }
    }
}
