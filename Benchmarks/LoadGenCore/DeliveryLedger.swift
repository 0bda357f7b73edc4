/// What one subscription received, checked against what was published to its channel (sequences 1...expected):
/// unique deliveries, duplicates, events that arrived after a later one, and (at the end) what never came.
public struct DeliveryLedger: Sendable {
    public let expected: Int
    private var seen: [UInt64]
    public private(set) var delivered = 0
    public private(set) var duplicates = 0
    public private(set) var outOfOrder = 0
    public private(set) var unexpected = 0
    private var highest = 0

    public init(expected: Int) {
        self.expected = expected
        seen = Array(repeating: 0, count: (expected + 64) / 64)
    }

    public mutating func record(sequence: Int) {
        guard sequence >= 1 && sequence <= expected else {
            unexpected += 1
            return
        }
        let (word, bit) = (sequence / 64, UInt64(1) << UInt64(sequence % 64))
        if seen[word] & bit != 0 {
            duplicates += 1
            return
        }
        seen[word] |= bit
        delivered += 1
        if sequence < highest { outOfOrder += 1 }
        highest = max(highest, sequence)
    }

    public var lost: Int { expected - delivered }
    public var isComplete: Bool { delivered == expected }
}
