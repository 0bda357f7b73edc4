/// What a keyed event replaces for a lagging subscriber: its key within the channels it was published to (the
/// same key on other channels is another thing). Compared by a hash taken once, then by bytes, so a scan of a
/// queue costs an integer compare per frame.
package struct CoalesceKey: Equatable, Sendable {
    private let hash: Int
    private let bytes: [UInt8]

    /// `channels`: the publish's whole channel list, in its order (every hub of a group sees the same one).
    package init(key: String, channels: [String]) {
        var bytes = Array(channels.joined(separator: " ").utf8)
        bytes.append(0x0A)
        bytes.append(contentsOf: key.utf8)
        self.bytes = bytes
        self.hash = bytes.hashValue
    }

    package static func == (a: CoalesceKey, b: CoalesceKey) -> Bool { a.hash == b.hash && a.bytes == b.bytes }
}
