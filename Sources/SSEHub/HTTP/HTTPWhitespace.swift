/// Optional whitespace, OWS of RFC 9110 §5.6.3: the spaces and horizontal tabs HTTP allows around field
/// values, list elements and parameters. Every trim of HTTP text in the hub goes through `trimmed(_:)`.
/// Pure functions; any thread.
package enum HTTPWhitespace {
    /// Space or horizontal tab; never CR, LF or any other whitespace.
    @inline(__always) package static func isOWS(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// `bytes` without leading and trailing OWS. A slice of `bytes`, so its indices are the original's.
    package static func trimmed<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        var slice = bytes[...]
        while let first = slice.first, isOWS(first) { slice.removeFirst() }
        while let last = slice.last, isOWS(last) { slice.removeLast() }
        return slice
    }
}

extension StringProtocol {
    /// The text without leading and trailing OWS (`HTTPWhitespace.trimmed` on its UTF-8; other whitespace,
    /// such as a no-break space, stays). `package`: a helper of the hub's, not an API on strings for apps.
    package func trimmingSpaces() -> String {
        String(Substring(HTTPWhitespace.trimmed(Substring(self).utf8)))
    }
}
