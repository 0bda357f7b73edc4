/// A media type as `Content-Type` carries it (RFC 9110 §8.3.1): `type/subtype`, then `; name=value`
/// parameters. The hub's one media-type parser: `HTTPRequest.mediaType` and `HTTPHeaders.hasMediaType` read
/// it. A value; any thread.
package struct MediaType: Sendable {
    /// The type, lowercased (`text`): RFC 9110 §8.3.1 makes type and subtype case-insensitive.
    package let type: String
    /// The subtype, lowercased (`html`).
    package let subtype: String
    /// The parameters in order: names lowercased (they are case-insensitive), quoted-string values unquoted,
    /// values otherwise as sent.
    package let parameters: [(name: String, value: String)]

    /// `type/subtype` without parameters (`text/html`).
    package var essence: String { type + "/" + subtype }

    /// The first value of the parameter `name` (any case), or nil.
    package func parameter(_ name: String) -> String? {
        let wanted = name.lowercased()
        return parameters.first { $0.name == wanted }?.value
    }

    /// Parses a field value. Nil unless it is `token/token` (OWS around it allowed) followed by nothing or by
    /// `;` parameters. A parameter that is not `token=token` or `token="quoted string"` (a quote that never
    /// closes, a value with spaces, no `=`) is skipped, as browsers skip it (WHATWG MIME Sniffing §4.4); the
    /// media type and the other parameters stand.
    package init?(_ value: some Collection<UInt8>) {
        let bytes = Array(value)
        var index = 0
        func skipWhitespace() {
            while index < bytes.count && HTTPWhitespace.isOWS(bytes[index]) { index += 1 }
        }
        func token() -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.count && ASCII.isTokenByte(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }
        // RFC 9110 §5.6.4: a quoted-string from its opening quote, quoted-pairs (`\x`) unescaped; nil when it
        // does not close.
        func quoted() -> [UInt8]? {
            var out: [UInt8] = []
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return out }
                if byte == UInt8(ascii: "\\") && index < bytes.count {
                    out.append(bytes[index])
                    index += 1
                } else {
                    out.append(byte)
                }
            }
            return nil
        }
        skipWhitespace()
        let type = token()
        guard !type.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "/") else { return nil }
        index += 1
        let subtype = token()
        guard !subtype.isEmpty else { return nil }
        skipWhitespace()
        guard index == bytes.count || bytes[index] == UInt8(ascii: ";") else { return nil }
        var parameters: [(name: String, value: String)] = []
        // RFC 9110 §5.6.6: parameters = *( OWS ";" OWS [ parameter ] ).
        while index < bytes.count {
            index += 1  // the ";"
            skipWhitespace()
            let name = token()
            if !name.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                let value: [UInt8]?
                if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                    value = quoted()
                } else {
                    let bare = token()
                    value = bare.isEmpty ? nil : Array(bare)
                }
                skipWhitespace()
                if let value, index == bytes.count || bytes[index] == UInt8(ascii: ";") {
                    parameters.append((Self.lowercased(name), String(decoding: value, as: UTF8.self)))
                }
            }
            // Whatever is left of a malformed parameter, up to the next ";".
            while index < bytes.count && bytes[index] != UInt8(ascii: ";") { index += 1 }
        }
        self.type = Self.lowercased(type)
        self.subtype = Self.lowercased(subtype)
        self.parameters = parameters
    }

    /// Parses `text` (a `Content-Type` value) like `init(_:)` on its UTF-8.
    package init?(_ text: some StringProtocol) {
        self.init(Array(text.utf8))
    }

    private static func lowercased(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.map(ASCII.lowercased), as: UTF8.self)
    }
}
