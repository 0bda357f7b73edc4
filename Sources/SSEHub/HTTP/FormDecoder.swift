/// `application/x-www-form-urlencoded` and query strings (WHATWG URL, "application/x-www-form-urlencoded
/// parsing"): `&`-separated `name=value` pairs, `+` for space, `%XX` escapes.
package enum FormDecoder {
    /// The `name=value` pairs, percent-decoded, as bytes (empty pieces skipped).
    package static func pairs(_ bytes: [UInt8]) -> [(name: [UInt8], value: [UInt8])] {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
            let value = equals < piece.endIndex ? percentDecoded(piece[(equals + 1)...]) : []
            pairs.append((percentDecoded(piece[..<equals]), value))
        }
        return pairs
    }

    /// The decoded pairs as text, or nil when a decoded name or value is not valid UTF-8.
    package static func decode(_ bytes: [UInt8]) -> [(name: String, value: String)]? {
        var decoded: [(name: String, value: String)] = []
        for (name, value) in pairs(bytes) {
            guard let nameText = String(validating: name, as: UTF8.self),
                let valueText = String(validating: value, as: UTF8.self)
            else { return nil }
            decoded.append((nameText, valueText))
        }
        return decoded
    }

    /// Percent-decodes `bytes`; `+` becomes a space. A `%` not followed by two hex digits is kept as it is.
    package static func percentDecoded(_ bytes: some Collection<UInt8>, plusIsSpace: Bool = true) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
