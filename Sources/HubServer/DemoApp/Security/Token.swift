/// A 256-bit random secret in its cookie form (unpadded base64url, RFC 4648 §5), and what is stored of it.
public struct Token: Sendable, Equatable {
    public let bytes: [UInt8]

    /// A fresh random token.
    public init() { bytes = SecureRandom.bytes(32) }

    /// Parses the cookie form; nil for anything that is not exactly 32 bytes of base64url.
    public init?(_ text: String) {
        guard let bytes = Base64URL.decode(text), bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public var text: String { Base64URL.encode(bytes) }

    /// The SHA-256 the store keeps instead of the token.
    public var storedHash: [UInt8] { Digest.sha256(bytes) }
}

/// Unpadded base64url (RFC 4648 §5): cookie-safe, no characters that need quoting.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count { out.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(value))
        }
        // A lone trailing character cannot carry a whole byte.
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var value: UInt32 = 0
            for (offset, sextet) in chunk.enumerated() { value |= UInt32(sextet) << (18 - 6 * offset) }
            for position in 0..<(chunk.count - 1) { out.append(UInt8((value >> (16 - 8 * position)) & 0xFF)) }
            index += 4
        }
        // Only the canonical form: leftover bits must be zero, so each token has exactly one spelling.
        guard encode(out) == text else { return nil }
        return out
    }
}
