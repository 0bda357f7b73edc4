import CCrypto

/// The keys tokens are checked with: an HS256 secret, a public key (RS256 or ES256), or both; each algorithm
/// only with its own key.
package struct JWTKeys: Sendable {
    let secret: [UInt8]?
    let publicKey: PublicKey?

    /// - Throws: `AuthConfigurationError` for a secret shorter than 32 bytes (RFC 7518 §3.2: at least the
    ///   hash's size) or a key that is not a usable public key.
    package init(secret: String?, publicKeyPEM: String?) throws(AuthConfigurationError) {
        if let secret, secret.utf8.count < 32 {
            throw AuthConfigurationError(
                "the JWT secret has \(secret.utf8.count) bytes; HS256 needs at least 32 (RFC 7518 §3.2)")
        }
        self.secret = secret.map { Array($0.utf8) }
        self.publicKey = try publicKeyPEM.map { (pem) throws(AuthConfigurationError) in
            try PublicKey(pem: Array(pem.utf8))
        }
    }

    /// The algorithms a token may name, for messages.
    var accepted: [String] {
        (secret == nil ? [] : ["HS256"]) + (publicKey.map { [$0.algorithm.rawValue] } ?? [])
    }

    /// Whether a key for `algorithm` is configured.
    func accepts(_ algorithm: JWSAlgorithm) -> Bool {
        algorithm == .hs256 ? secret != nil : publicKey?.algorithm == algorithm
    }

    /// Whether `signature` is `algorithm`'s signature of `input` under the key configured for it; false for an
    /// algorithm with no key here.
    func verify(_ algorithm: JWSAlgorithm, signature: [UInt8], of input: [UInt8]) -> Bool {
        switch algorithm {
        case .hs256:
            guard let secret else { return false }
            return Self.hmacMatches(secret: secret, signature: signature, input: input)
        case .rs256, .es256:
            guard let publicKey, publicKey.algorithm == algorithm else { return false }
            return publicKey.verifies(signature, of: input)
        }
    }

    /// HMAC-SHA-256 of `input`, compared with `CRYPTO_memcmp` so the time taken does not tell how many leading
    /// bytes of a forged signature were right.
    static func hmacMatches(secret: [UInt8], signature: [UInt8], input: [UInt8]) -> Bool {
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = secret.withUnsafeBytes { key in
            input.withUnsafeBufferPointer { data in
                HMAC(EVP_sha256(), key.baseAddress, Int32(key.count), data.baseAddress, data.count, &mac, &length)
            }
        }
        guard done != nil, length == 32, signature.count == 32 else { return false }
        return CRYPTO_memcmp(mac, signature, 32) == 0
    }
}
