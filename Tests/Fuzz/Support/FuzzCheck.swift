/// A property the fuzzed code broke: stops the process with the message, which libFuzzer reports as a crash
/// and saves the input for.
package func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property failed: \(message())") }
}

/// The fuzzer's bytes as an array (libFuzzer may pass a null pointer for the empty input).
package func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// A small deterministic generator (SplitMix64) seeded from the input, so a saved crash replays with the same
/// chunk boundaries it was found with.
package struct SplitMix {
    private var state: UInt64

    package init(seed bytes: [UInt8]) {
        // FNV-1a over the input.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        state = hash
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A number in `1...limit`.
    package mutating func size(upTo limit: Int) -> Int { Int(next() % UInt64(limit)) + 1 }

    /// `0..<count` cut into consecutive pieces of 1...`limit` bytes.
    package mutating func chunks(of count: Int, upTo limit: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = 0
        while start < count {
            let end = min(count, start + size(upTo: limit))
            pieces.append(start..<end)
            start = end
        }
        return pieces
    }
}
