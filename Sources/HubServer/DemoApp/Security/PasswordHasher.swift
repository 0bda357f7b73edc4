import CArgon2
import SSEHub

/// Argon2id password hashes (RFC 9106) through Debian's libargon2. The encoded form
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) carries its parameters, so they can be raised later and older
/// hashes still verify. Hashing costs `memoryKiB` and real time by design: call it on a worker thread, never on a
/// loop.
public struct PasswordHasher: Sendable {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    public var memoryKiB: UInt32 = 19 * 1024
    public var passes: UInt32 = 2
    public var lanes: UInt32 = 1
    static let saltBytes = 16
    static let hashBytes = 32

    public init() {}

    /// The encoded Argon2id hash of `password` with a fresh random salt.
    public func hash(_ password: String) -> String {
        assert(!LoopThread.isCurrent, "Argon2 on a hub loop thread; run it on a WorkerPool")
        let salt = SecureRandom.bytes(Self.saltBytes)
        let length = argon2_encodedlen(
            passes, memoryKiB, lanes, UInt32(Self.saltBytes), UInt32(Self.hashBytes), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let password = Array(password.utf8)
        let code = password.withUnsafeBytes { secret in
            salt.withUnsafeBytes { salt in
                argon2id_hash_encoded(
                    passes, memoryKiB, lanes, secret.baseAddress, secret.count, salt.baseAddress, salt.count,
                    Self.hashBytes, &encoded, length)
            }
        }
        // The only failures are parameter errors (fixed here) and memory exhaustion: neither is the user's.
        precondition(
            code == ARGON2_OK.rawValue, "argon2id_hash_encoded: \(String(cString: argon2_error_message(code)))")
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `encoded`. libargon2 compares the hashes in constant time; an encoded
    /// string that is not an Argon2id hash matches nothing.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let password = Array(password.utf8)
        return password.withUnsafeBytes { secret in
            argon2id_verify(encoded, secret.baseAddress, secret.count) == ARGON2_OK.rawValue
        }
    }

    /// Whether `encoded` was made with weaker parameters than these (then it is rehashed at the next login).
    public func needsRehash(_ encoded: String) -> Bool {
        !encoded.hasPrefix("$argon2id$v=19$m=\(memoryKiB),t=\(passes),p=\(lanes)$")
    }
}
