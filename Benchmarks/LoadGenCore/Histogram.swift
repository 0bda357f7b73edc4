import Glibc

/// A log-linear latency histogram in the manner of HDR: values (nanoseconds) fall into buckets whose width is
/// at most 1/128 of their value, so every percentile is within 0.8 % whatever the range. Fixed memory,
/// constant-time record, exact merge across processes.
public struct Histogram: Equatable, Sendable {
    /// 2^7 sub-buckets per power of two.
    static let subBucketBits = 7
    static let subBuckets = 1 << subBucketBits
    /// Up to 2^40 ns (18 minutes).
    static let magnitudes = 40 - subBucketBits + 1

    public private(set) var counts: [UInt64]
    public private(set) var total: UInt64 = 0
    public private(set) var maximum: UInt64 = 0
    public private(set) var minimum: UInt64 = .max

    public init() {
        counts = Array(repeating: 0, count: Self.magnitudes * Self.subBuckets)
    }

    /// Row 0 holds 0..<128 one by one; row r (r ≥ 1) holds [128·2^(r-1), 256·2^(r-1)) in 128 buckets of
    /// width 2^(r-1).
    static func index(of value: UInt64) -> Int {
        let clamped = min(value, (1 << 40) - 1)
        if clamped < UInt64(subBuckets) { return Int(clamped) }
        let shift = (63 - clamped.leadingZeroBitCount) - subBucketBits
        let sub = Int(clamped >> UInt64(shift))
        return (shift + 1) * subBuckets + (sub - subBuckets)
    }

    /// The largest value that falls in bucket `index` (what a percentile reports: never an underestimate).
    static func highestValue(at index: Int) -> UInt64 {
        let row = index / subBuckets
        if row == 0 { return UInt64(index) }
        let sub = UInt64(index % subBuckets + subBuckets)
        return ((sub + 1) << UInt64(row - 1)) - 1
    }

    public mutating func record(_ value: UInt64) {
        counts[Self.index(of: value)] += 1
        total += 1
        maximum = max(maximum, value)
        minimum = min(minimum, value)
    }

    public mutating func merge(_ other: Histogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
        maximum = max(maximum, other.maximum)
        minimum = min(minimum, other.minimum)
    }

    /// The value at `percentile` (0-100): the upper edge of the bucket holding that rank, capped by the maximum.
    public func value(atPercentile percentile: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((percentile / 100 * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return min(Self.highestValue(at: index), maximum) }
        }
        return maximum
    }

    /// A compact text form for passing between processes: "index:count" pairs of non-empty buckets.
    public var serialized: String {
        var parts = ["\(total) \(minimum) \(maximum)"]
        for (index, count) in counts.enumerated() where count > 0 { parts.append("\(index):\(count)") }
        return parts.joined(separator: " ")
    }

    public init?(serialized text: some StringProtocol) {
        self.init()
        let parts = text.split(separator: " ")
        guard parts.count >= 3, let total = UInt64(parts[0]), let minimum = UInt64(parts[1]),
            let maximum = UInt64(parts[2])
        else { return nil }
        self.total = total
        self.minimum = minimum
        self.maximum = maximum
        for part in parts.dropFirst(3) {
            let pair = part.split(separator: ":")
            guard pair.count == 2, let index = Int(pair[0]), let count = UInt64(pair[1]), counts.indices.contains(index)
            else { return nil }
            counts[index] = count
        }
    }
}

extension Histogram {
    public static func indexForTesting(_ value: UInt64) -> Int { index(of: value) }
    public static func highestForTesting(_ index: Int) -> UInt64 { highestValue(at: index) }
}
