import Glibc
import Synchronization

/// Nanoseconds on `CLOCK_MONOTONIC`: deadlines and idle times never jump with the wall clock.
package enum MonotonicClock {
    package static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// Wall-clock milliseconds since the Unix epoch, used only to stamp a hub's boot so its event ids differ from
/// every earlier run's.
package enum WallClock {
    private static let lastBootStamp = Atomic<UInt64>(0)

    /// A boot stamp: the current millisecond, or one above the last stamp this process issued, so two hubs
    /// started in one process within a millisecond still get different epochs.
    static func bootStamp() -> UInt64 {
        var last = lastBootStamp.load(ordering: .relaxed)
        while true {
            let next = max(millisecondsSinceEpoch(), last + 1)
            let (exchanged, original) = lastBootStamp.compareExchange(
                expected: last, desired: next, ordering: .relaxed)
            if exchanged { return next }
            last = original
        }
    }

    package static func millisecondsSinceEpoch() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) &* 1000 &+ UInt64(spec.tv_nsec) / 1_000_000
    }
}
