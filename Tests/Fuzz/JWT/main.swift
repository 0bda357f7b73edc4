import CCrypto
import FuzzSupport
import SSEHub

// The JWT verifier on untrusted bytes: it never traps; whatever it accepts carries an HMAC-SHA-256 of its first
// two parts under the key, computed here independently; the same bytes signed properly as a payload are never
// refused for their signature; and base64url decoding is canonical (what decodes encodes back to the same text).

let secret = Array("the fuzzing secret of thirty-two bytes or more".utf8)
let verifier = JWTVerifier(
    keys: try! JWTKeys(secret: String(decoding: secret, as: UTF8.self), publicKeyPEM: nil), leewaySeconds: 30)

func hmac(_ data: [UInt8]) -> [UInt8] {
    var mac = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    _ = HMAC(EVP_sha256(), secret, Int32(secret.count), data, data.count, &mac, &length)
    return mac
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    if let decoded = Base64URL.decode(input) {
        require(Array(Base64URL.encode(decoded).utf8) == input, "base64url decoding is not canonical")
    }
    require(Base64URL.decode(Array(Base64URL.encode(input).utf8)) == input, "base64url does not round-trip")
    if (try? verifier.verify(input, now: 1_800_000_000)) != nil {
        let parts = input.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        require(parts.count == 3, "accepted a token of \(parts.count) parts")
        require(
            Base64URL.decode(parts[2]) == hmac(Array(input.prefix(parts[0].count + 1 + parts[1].count))),
            "accepted a token whose signature is not the key's HMAC")
    }
    // The input as the payload of a properly signed token: refused for its claims perhaps, never its signature.
    let signingInput = Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8)) + "." + Base64URL.encode(input)
    let token = signingInput + "." + Base64URL.encode(hmac(Array(signingInput.utf8)))
    do {
        _ = try verifier.verify(token.utf8, now: 1_800_000_000)
    } catch {
        require(!error.reason.contains("signature"), "a properly signed token was refused: \(error.reason)")
    }
    return 0
}

FuzzDriver.run(fuzzOne)
