import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`: deadlines and idle times never jump with the wall clock.
enum MonotonicClock {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// Wall-clock milliseconds since the Unix epoch, used only to stamp a hub's boot so its event ids differ from
/// every earlier run's.
enum WallClock {
    static func millisecondsSinceEpoch() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) &* 1000 &+ UInt64(spec.tv_nsec) / 1_000_000
    }
}
