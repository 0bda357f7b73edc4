/// A request's header fields as they arrived: one byte buffer and the ranges of each name and value.
/// Names compare case-insensitively (RFC 9110 §5.1); values are kept as sent, without surrounding whitespace.
public struct HTTPHeaders: Sendable {
    let storage: [UInt8]
    let fields: [(name: Range<Int>, value: Range<Int>)]

    public init() {
        storage = []
        fields = []
    }

    init(storage: [UInt8], fields: [(name: Range<Int>, value: Range<Int>)]) {
        self.storage = storage
        self.fields = fields
    }

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

    private func matches(_ range: Range<Int>, _ name: String) -> Bool {
        guard range.count == name.utf8.count else { return false }
        var index = range.lowerBound
        for byte in name.utf8 {
            if ASCII.lowercased(storage[index]) != ASCII.lowercased(byte) { return false }
            index += 1
        }
        return true
    }
}

enum ASCII {
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

    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ text: String) -> Bool {
        bytes.count == text.utf8.count && zip(bytes, text.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }
}
