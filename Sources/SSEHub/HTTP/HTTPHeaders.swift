/// A request's header fields as they arrived: one byte buffer and the ranges of each name and value.
/// Names compare case-insensitively (RFC 9110 §5.1); values are kept as sent, without surrounding whitespace.
public struct HTTPHeaders: Sendable {
    package let storage: [UInt8]
    package let fields: [(name: Range<Int>, value: Range<Int>)]

    /// No fields (a request built by code, for testing a route).
    public init() {
        storage = []
        fields = []
    }

    init(storage: [UInt8], fields: [(name: Range<Int>, value: Range<Int>)]) {
        self.storage = storage
        self.fields = fields
    }

    /// The number of fields, repeated names counted each time.
    public var count: Int { fields.count }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where matches(field.name, name) {
            return String(decoding: storage[field.value], as: UTF8.self)
        }
        return nil
    }

    /// Every value of `name`, in order (a field may be repeated).
    public func values(_ name: String) -> [String] {
        fields.filter { matches($0.name, name) }.map { String(decoding: storage[$0.value], as: UTF8.self) }
    }

    func valueBytes(_ name: String) -> ArraySlice<UInt8>? {
        for field in fields where matches(field.name, name) { return storage[field.value] }
        return nil
    }

    func contains(_ name: String) -> Bool {
        fields.contains { matches($0.name, name) }
    }

    /// How many fields are named `name`.
    func count(of name: String) -> Int {
        var count = 0
        for field in fields where matches(field.name, name) { count += 1 }
        return count
    }

    /// Calls `body` with each comma-separated element of every `name` field, whitespace trimmed (RFC 9110 §5.6.1
    /// lists). Empty elements are skipped unless `keepingEmpty`.
    func forEachToken(of name: String, keepingEmpty: Bool = false, _ body: (ArraySlice<UInt8>) -> Void) {
        for field in fields where matches(field.name, name) {
            var start = field.value.lowerBound
            var index = start
            while index <= field.value.upperBound {
                if index == field.value.upperBound || storage[index] == UInt8(ascii: ",") {
                    let element = HTTPWhitespace.trimmed(storage[start..<index])
                    if keepingEmpty || !element.isEmpty { body(element) }
                    start = index + 1
                }
                index += 1
            }
        }
    }

    /// Whether the `Content-Type` media type (before any parameters) is `type`, ignoring case.
    func hasMediaType(_ type: String) -> Bool {
        guard let value = valueBytes("Content-Type"), let media = MediaType(value) else { return false }
        return media.essence == type.lowercased()
    }

    private func matches(_ range: Range<Int>, _ name: String) -> Bool {
        ASCII.equalsIgnoringCase(storage[range], name)
    }
}

enum ASCII {
    /// Appends `value` in decimal.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(value.magnitude), to: &out)
    }

    /// The full `UInt64` range: ids come from Redis too, where any client may publish any digits.
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// `tchar` of RFC 9110 §5.6.2: the bytes a field name or method may hold.
    @inline(__always) static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { name in
            guard bytes.count == name.count else { return false }
            var index = bytes.startIndex
            for byte in name {
                if lowercased(bytes[index]) != lowercased(byte) { return false }
                index += 1
            }
            return true
        }
    }
}
