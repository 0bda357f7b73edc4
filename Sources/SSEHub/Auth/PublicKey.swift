import CCrypto

/// A JWS algorithm this hub verifies (RFC 7518 §3.1). Each is tied to one kind of key, so a token can never
/// choose how it is checked: an RSA public key never serves as an HMAC secret (the classic algorithm
/// confusion), and `none` is not among them at all.
package enum JWSAlgorithm: String, Sendable {
    /// HMAC with SHA-256 and the shared secret (RFC 7518 §3.2).
    case hs256 = "HS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    case rs256 = "RS256"
    /// ECDSA on P-256 with SHA-256 (RFC 7518 §3.4).
    case es256 = "ES256"
}

/// A public key read from PEM, freed with its owner.
/// `@unchecked Sendable`: the `EVP_PKEY` is never changed after it is read, and OpenSSL 3 lets threads use one
/// key at once for verification, each with its own `EVP_MD_CTX` (openssl-threads(7)).
package final class PublicKey: @unchecked Sendable {
    let key: OpaquePointer
    package let algorithm: JWSAlgorithm

    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes it):
    /// RSA of at least 2048 bits (RFC 7518 §3.3) for RS256, or an EC key on P-256 for ES256 (§3.4).
    package init(pem: [UInt8]) throws(AuthConfigurationError) {
        let read: OpaquePointer? = pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(clamping: bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        ERR_clear_error()
        guard let read else {
            throw AuthConfigurationError("not a PEM public key (expected -----BEGIN PUBLIC KEY-----)")
        }
        if EVP_PKEY_is_a(read, "RSA") == 1 {
            let bits = EVP_PKEY_get_bits(read)
            guard bits >= 2048 else {
                EVP_PKEY_free(read)
                throw AuthConfigurationError("an RSA key of \(bits) bits; RS256 needs 2048 or more (RFC 7518 §3.3)")
            }
            algorithm = .rs256
        } else if EVP_PKEY_is_a(read, "EC") == 1 {
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            let group =
                EVP_PKEY_get_group_name(read, &name, name.count, &length) == 1
                ? String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
            guard group == "prime256v1" || group == "P-256" else {
                EVP_PKEY_free(read)
                throw AuthConfigurationError("an EC key on \(group); ES256 needs P-256 (RFC 7518 §3.4)")
            }
            algorithm = .es256
        } else {
            EVP_PKEY_free(read)
            throw AuthConfigurationError("the key is neither RSA (RS256) nor EC P-256 (ES256)")
        }
        key = read
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` signs `input` under this key (EVP_DigestVerify with SHA-256).
    func verifies(_ signature: [UInt8], of input: [UInt8]) -> Bool {
        let der: [UInt8]
        switch algorithm {
        case .es256:
            guard let converted = Self.derSignature(rawES256: signature) else { return false }
            der = converted
        case .rs256, .hs256:
            der = signature
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return der.withUnsafeBufferPointer { signature in
            input.withUnsafeBufferPointer { input in
                EVP_DigestVerify(context, signature.baseAddress, signature.count, input.baseAddress, input.count) == 1
            }
        }
    }

    /// RFC 7518 §3.4: a JWS ECDSA signature is R and S as 32 big-endian bytes each; OpenSSL verifies the DER
    /// `ECDSA-Sig-Value` of RFC 3279 §2.2.3, built here with `ECDSA_SIG_set0` and `i2d_ECDSA_SIG`.
    static func derSignature(rawES256 raw: [UInt8]) -> [UInt8]? {
        guard raw.count == 64, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let (r, s) = raw.withUnsafeBufferPointer { bytes in
            (BN_bin2bn(bytes.baseAddress, 32, nil), BN_bin2bn(bytes.baseAddress! + 32, 32, nil))
        }
        // On success the signature owns both numbers.
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? der : nil
    }
}
