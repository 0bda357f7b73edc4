/// HTML escaping as a UTF-8 byte loop: `& < > " '` and the backtick (which old IE treated as a quote).
/// Bytes of multi-byte characters pass through untouched, so invalid UTF-8 in a value stays as it was.
enum HTMLEscape {
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append(bytes: $0, to: &out) }
    }

    static func append(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        for index in 0..<bytes.count {
            let replacement: StaticString
            switch bytes[index] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            case UInt8(ascii: "`"): replacement = "&#96;"
            default: continue
            }
            // Copy the run of ordinary bytes before this one in a single append.
            if index > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            replacement.withUTF8Buffer { out.append(contentsOf: $0) }
            runStart = index + 1
        }
        if bytes.count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }
}
