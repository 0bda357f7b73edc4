import SSEHub
import Testing

/// RS256 and ES256 with public keys from PEM files the openssl command made: a token signed with the private key
/// opens its stream; the same claims with another key, another algorithm, or an HMAC keyed with the public
/// key's own PEM text (the classic algorithm confusion) are refused.
@Suite struct JWTKeyTests {
    static let rsa = Result { try TestTokens.KeyPair("rsa") }
    static let ec = Result { try TestTokens.KeyPair("ec") }

    func status(_ hub: Hub, _ token: String, channel: String = "news") throws -> (Int, String) {
        let answer = try TestHTTP.get(hub.port, "/events/\(channel)", headers: [("Authorization", "Bearer \(token)")])
        return (answer.status, answer.text)
    }

    @Test(arguments: ["rsa", "ec"])
    func aTokenSignedWithThePrivateKeyOpensItsStream(kind: String) throws {
        let pair = try (kind == "rsa" ? Self.rsa : Self.ec).get()
        let other = try TestTokens.KeyPair(kind)
        try withHub({
            $0.jwtPublicKeyPEM = pair.publicPEM
            $0.jwtLeewaySeconds = 0
        }) { hub in
            let claims = TestTokens.claims(subscribe: ["news"])
            let refusals: [(String, String)] = [
                (other.sign(claims), "signature does not match"),
                (TestTokens.unsigned(claims), "alg none"),
                // HS256 keyed with the PEM text of the public key: accepted by verifiers that let the token pick.
                (TestTokens.hs256(claims, secret: pair.publicPEM), "alg HS256 is not accepted"),
                (pair.sign(claims, alg: kind == "rsa" ? "ES256" : "RS256"), "is not accepted"),
                (pair.sign(TestTokens.claims(subscribe: ["news"], expiresIn: -1)), "expired"),
                (pair.sign(TestTokens.claims(subscribe: ["other"])), "does not allow subscribing"),
            ]
            for (token, words) in refusals {
                let (code, text) = try status(hub, token)
                #expect(code == 401 || code == 403)
                #expect(text.contains(words), "\(text)")
            }
            let client = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Authorization", "Bearer \(pair.sign(claims))")])
            #expect(try client.readHead() == 200)
        }
    }

    /// An ES256 signature is exactly 64 bytes (RFC 7518 §3.4): a DER signature, as OpenSSL makes it, is refused.
    @Test func anES256SignatureInDERIsRefused() throws {
        let pair = try Self.ec.get()
        let token = pair.sign(TestTokens.claims(subscribe: ["news"]))
        let parts = token.split(separator: ".")
        let raw = Base64URL.decode(Array(parts[2].utf8))!
        #expect(raw.count == 64)
        // The DER form of the same R and S: SEQUENCE { INTEGER r, INTEGER s }.
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if (value.first ?? 0) >= 0x80 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(raw[0..<32]) + integer(raw[32..<64])
        let der = [0x30, UInt8(body.count)] + body
        try withHub({ $0.jwtPublicKeyPEM = pair.publicPEM }) { hub in
            let (code, text) = try status(hub, parts[0] + "." + parts[1] + "." + Base64URL.encode(der))
            #expect(code == 401 && text.contains("signature does not match"), "\(text)")
            let client = try SSEClient(
                port: hub.port, path: "/events/news", headers: [("Authorization", "Bearer \(token)")])
            #expect(try client.readHead() == 200, "the raw form of the same signature verifies")
        }
    }

    /// With a secret and a key both configured, each algorithm is checked with its own key only.
    @Test func aSecretAndAKeyTogetherEachVerifyTheirOwnAlgorithm() throws {
        let pair = try Self.rsa.get()
        try withHub({
            $0.jwtPublicKeyPEM = pair.publicPEM
            $0.jwtSecret = TestTokens.secret
        }) { hub in
            let claims = TestTokens.claims(subscribe: ["news"])
            for token in [pair.sign(claims), TestTokens.hs256(claims)] {
                let client = try SSEClient(
                    port: hub.port, path: "/events/news", headers: [("Authorization", "Bearer \(token)")])
                #expect(try client.readHead() == 200)
            }
            #expect(try status(hub, TestTokens.hs256(claims, secret: pair.publicPEM)).1.contains("signature"))
        }
    }

    @Test func unusableKeysAndSecretsStopTheStart() throws {
        let small = try TestTokens.KeyPair("rsa", bits: 1024)
        let p384 = try TestTokens.KeyPair("ec", curve: "P-384")
        let cases: [(HubConfiguration, String)] = [
            (with { $0.jwtPublicKeyPEM = small.publicPEM }, "1024 bits; RS256 needs 2048"),
            (with { $0.jwtPublicKeyPEM = p384.publicPEM }, "ES256 needs P-256"),
            (with { $0.jwtPublicKeyPEM = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n" }, "not a PEM"),
            (with { $0.jwtSecret = String(repeating: "s", count: 31) }, "31 bytes; HS256 needs at least 32"),
        ]
        for (configuration, words) in cases {
            #expect {
                _ = try Hub.start(configuration)
            } throws: { error in
                "\(error)".contains(words)
            }
        }
        // 32 bytes is enough.
        let hub = try Hub.start(with { $0.jwtSecret = String(repeating: "s", count: 32) })
        hub.shutdown()
    }

    func with(_ change: (inout HubConfiguration) -> Void) -> HubConfiguration {
        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.loops = 1
        change(&configuration)
        return configuration
    }
}
