/// What one loop counts for `GET /metrics`: plain integers, touched only on the loop's own thread (no atomics
/// on the fan-out path). A scrape asks every loop for a copy through its inbox and sums them.
struct LoopMetrics: Sendable {
    /// Events queued to a subscriber (one per subscriber per event).
    var deliveries = 0
    /// Bytes `writev` took, streams and answers alike.
    var bytesWritten = 0
    var keepalives = 0
    /// Unsent events a newer one of the same key replaced for a lagging subscriber (coalescing channels).
    var coalescedEvents = 0
    /// Events sent from the replay ring (or the relay's history) to resuming streams.
    var replayedEvents = 0
    /// `reset` events sent to resuming streams, by `ResetReason.rawValue`.
    var resets = [Int](repeating: 0, count: ResetReason.allCases.count)
    /// Answers written, by status class (index 1 is 1xx ... 5 is 5xx); streams count under 2xx.
    var answersByClass = [Int](repeating: 0, count: 6)
    /// The largest backlog (bytes unsent) any one subscriber reached.
    var outboundHighWater = 0
    /// Unsent bytes across the loop's connections, computed when the copy is taken.
    var outboundBytes = 0
    /// Readiness reports handled, wake-ups from other threads, and turns of the loop.
    var readinessEvents = 0
    var wakeups = 0
    var turns = 0
    var publishToWrite = LatencyHistogram()

    mutating func countAnswer(status: Int) {
        answersByClass[min(5, max(1, status / 100))] += 1
    }

    /// Adds another loop's counts (high-water marks take the larger).
    mutating func add(_ other: LoopMetrics) {
        deliveries += other.deliveries
        bytesWritten += other.bytesWritten
        keepalives += other.keepalives
        coalescedEvents += other.coalescedEvents
        replayedEvents += other.replayedEvents
        for index in resets.indices { resets[index] += other.resets[index] }
        for index in answersByClass.indices { answersByClass[index] += other.answersByClass[index] }
        outboundHighWater = max(outboundHighWater, other.outboundHighWater)
        outboundBytes += other.outboundBytes
        readinessEvents += other.readinessEvents
        wakeups += other.wakeups
        turns += other.turns
        publishToWrite.add(other.publishToWrite)
    }
}

/// Time from an event's publish to the `writev` that sends it, once per event per loop, in fixed buckets (a
/// Prometheus histogram: counts are cumulative when written out, not here).
package struct LatencyHistogram: Sendable {
    /// Upper bounds in nanoseconds: 100 µs to 2.5 s, then +Inf.
    package static let bounds: [UInt64] = [
        100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000,
    ]
    /// One count per bound, and the last for +Inf.
    package private(set) var counts = [Int](repeating: 0, count: bounds.count + 1)
    package private(set) var sumNanoseconds: UInt64 = 0

    package init() {}

    package mutating func observe(_ nanoseconds: UInt64) {
        var bucket = 0
        while bucket < Self.bounds.count && nanoseconds > Self.bounds[bucket] { bucket += 1 }
        counts[bucket] += 1
        sumNanoseconds &+= nanoseconds
    }

    mutating func add(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        sumNanoseconds &+= other.sumNanoseconds
    }

    var count: Int { counts.reduce(0, +) }
}
