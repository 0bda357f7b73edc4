/// The channel-name rule: 1 to `maxLength` bytes of `[A-Za-z0-9_.:-]`.
///
/// Names appear in URLs, Redis keys and logs, so the alphabet is kept to bytes that need no escaping anywhere.
package enum ChannelName {
    package static func rule(maxLength: Int) -> String {
        "channel names are 1-\(maxLength) bytes of A-Z a-z 0-9 _ . : -"
    }

    package static func validate(_ name: String, maxLength: Int) -> String? {
        let utf8 = name.utf8
        if utf8.isEmpty { return "channel name is empty; \(rule(maxLength: maxLength))" }
        if utf8.count > maxLength {
            return "channel name is \(utf8.count) bytes, over the limit of \(maxLength); \(rule(maxLength: maxLength))"
        }
        for byte in utf8 where !isAllowed(byte) {
            return "channel name \"\(printable(name))\" has a character outside A-Z a-z 0-9 _ . : -"
        }
        return nil
    }

    @inline(__always)
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
            UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// The name as it can be quoted in an error: control characters and quotes escaped, at most 64 characters.
    static func printable(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(64) {
            switch scalar {
            case "\"", "\\": out += "\\\(scalar)"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
