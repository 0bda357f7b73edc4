import CCrypto
import Glibc
import SSEHub

/// Signs JWTs the way an issuer would, with libcrypto: HS256 with a secret, RS256 and ES256 with private keys
/// that `openssl genpkey` writes into a temporary folder. Independent of the hub's verifier (it signs, the hub
/// verifies); the raw R||S of ES256 is made from OpenSSL's DER with `d2i_ECDSA_SIG`.
enum TestTokens {
    static let secret = "a test secret of more than thirty-two bytes"

    /// Seconds since the Unix epoch.
    static var now: Double { JWTVerifier.now() }

    /// The claims a token carries: `ssehub` lists and times relative to now.
    static func claims(
        subscribe: [String]? = nil, publish: [String]? = nil, expiresIn: Double? = 3600, notBeforeIn: Double? = nil
    ) -> String {
        var members: [String] = []
        if let expiresIn { members.append("\"exp\":\(Int(now + expiresIn))") }
        if let notBeforeIn { members.append("\"nbf\":\(Int(now + notBeforeIn))") }
        var grants: [String] = []
        if let subscribe { grants.append("\"subscribe\":[\(subscribe.map { "\"\($0)\"" }.joined(separator: ","))]") }
        if let publish { grants.append("\"publish\":[\(publish.map { "\"\($0)\"" }.joined(separator: ","))]") }
        if subscribe != nil || publish != nil { members.append("\"ssehub\":{\(grants.joined(separator: ","))}") }
        return "{\(members.joined(separator: ","))}"
    }

    /// `header.payload` as base64url, the signing input (RFC 7515 §5.1).
    static func input(header: String, claims: String) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
    }

    /// An HS256 token (or another `alg` in the header, signed with HMAC-SHA-256 all the same).
    static func hs256(_ claims: String, secret: String = secret, alg: String = "HS256") -> String {
        let signingInput = input(header: "{\"alg\":\"\(alg)\",\"typ\":\"JWT\"}", claims: claims)
        return signingInput + "." + Base64URL.encode(hmac(Array(secret.utf8), Array(signingInput.utf8)))
    }

    /// `alg: none` with an empty signature (RFC 7519 §6.1: an unsecured JWT).
    static func unsigned(_ claims: String) -> String {
        input(header: "{\"alg\":\"none\"}", claims: claims) + "."
    }

    static func hmac(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &mac, &length)
        return mac
    }

    /// A private key and its public PEM, made by the openssl command. `@unchecked Sendable`: never changed after
    /// it is made, and each signature uses its own `EVP_MD_CTX` (openssl-threads(7)).
    final class KeyPair: @unchecked Sendable {
        let key: OpaquePointer
        let publicPEM: String
        let algorithm: String

        /// `kind`: `rsa` (2048 bits, or `bits`), `ec` (P-256, or `curve`).
        init(_ kind: String, bits: Int = 2048, curve: String = "P-256") throws {
            let folder = "/tmp/ssehub-keys-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            mkdir(folder, 0o700)
            defer { _ = try? Spawn.run("rm -rf \(folder)") }
            let options =
                kind == "rsa"
                ? "-algorithm RSA -pkeyopt rsa_keygen_bits:\(bits)"
                : "-algorithm EC -pkeyopt ec_paramgen_curve:\(curve)"
            let made = try Spawn.run(
                "openssl genpkey \(options) -out \(folder)/key.pem && openssl pkey -in \(folder)/key.pem -pubout"
                    + " -out \(folder)/public.pem")
            guard made.status == 0, let privatePEM = FileSystem.read(folder + "/key.pem"),
                let publicPEM = FileSystem.read(folder + "/public.pem")
            else { throw TestTimeout(what: "openssl genpkey: \(made.output)") }
            let bio = BIO_new_mem_buf(privatePEM, Int32(privatePEM.count))
            defer { BIO_free(bio) }
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw TestTimeout(what: "a key") }
            self.key = key
            self.publicPEM = String(decoding: publicPEM, as: UTF8.self)
            self.algorithm = kind == "rsa" ? "RS256" : "ES256"
        }

        deinit { EVP_PKEY_free(key) }

        /// A token signed with this key; `alg` as the header says (the key's own unless told otherwise).
        func sign(_ claims: String, alg: String? = nil) -> String {
            let signingInput = input(header: "{\"alg\":\"\(alg ?? algorithm)\"}", claims: claims)
            let data = Array(signingInput.utf8)
            let context = EVP_MD_CTX_new()
            defer { EVP_MD_CTX_free(context) }
            EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key)
            var length = 0
            EVP_DigestSign(context, nil, &length, data, data.count)
            var signature = [UInt8](repeating: 0, count: length)
            EVP_DigestSign(context, &signature, &length, data, data.count)
            signature = Array(signature.prefix(length))
            if algorithm == "ES256" { signature = Self.raw(der: signature) }
            return signingInput + "." + Base64URL.encode(signature)
        }

        /// DER `ECDSA-Sig-Value` to the JWS form: R and S, 32 bytes each (RFC 7518 §3.4).
        static func raw(der: [UInt8]) -> [UInt8] {
            der.withUnsafeBufferPointer { buffer in
                var cursor = buffer.baseAddress
                let signature = d2i_ECDSA_SIG(nil, &cursor, buffer.count)
                defer { ECDSA_SIG_free(signature) }
                var out = [UInt8](repeating: 0, count: 64)
                out.withUnsafeMutableBufferPointer { raw in
                    _ = BN_bn2binpad(ECDSA_SIG_get0_r(signature), raw.baseAddress, 32)
                    _ = BN_bn2binpad(ECDSA_SIG_get0_s(signature), raw.baseAddress! + 32, 32)
                }
                return out
            }
        }
    }
}

extension HubConfiguration {
    /// JWT on with the test secret and no leeway (so edge cases are exact).
    mutating func useTestSecret(leeway: Int = 0) {
        jwtSecret = TestTokens.secret
        jwtLeewaySeconds = leeway
    }
}
