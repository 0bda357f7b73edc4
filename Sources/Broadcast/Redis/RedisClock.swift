import SSEHub

/// This hub's estimate of Redis's clock, from `TIME` answers, so a publish can carry a deadline in Redis's
/// own time. Redis's clock is read as it advances on this host's monotonic clock since the last measurement,
/// so a step of this host's wall clock does not move deadlines. Loop-thread only.
struct RedisClock {
    /// Redis's milliseconds at `measuredAt` (this host's monotonic nanoseconds), and how far off that may be.
    private var redisMilliseconds: Int64?
    private var measuredAt: UInt64 = 0
    private var uncertaintyMilliseconds: Int64 = 0

    /// Takes a `TIME` answer (`[seconds, microseconds]`) asked at `sentAt` and read at `receivedAt`. Redis
    /// read its clock somewhere between the two, so the estimate is the midpoint, off by half the round trip.
    mutating func measured(_ reply: RedisReply?, sentAt: UInt64, receivedAt: UInt64) {
        guard case .array(let parts)? = reply, parts.count == 2, let seconds = parts[0].text.flatMap({ Int64($0) }),
            let micros = parts[1].text.flatMap({ Int64($0) }), receivedAt >= sentAt
        else { return }
        let halfTrip = Int64((receivedAt - sentAt) / 2_000_000)
        redisMilliseconds = seconds * 1000 + micros / 1000
        measuredAt = sentAt + (receivedAt - sentAt) / 2
        // Redis's milliseconds are truncated, and this host's rounded: one more on each side.
        uncertaintyMilliseconds = halfTrip + 2
    }

    /// A deadline `timeout` from now in Redis's milliseconds, and the monotonic time on this host by which Redis
    /// is certainly past it. nil before the first measurement.
    func deadline(after timeout: Duration, now: UInt64) -> (redis: Int64, certainlyPast: UInt64)? {
        guard let redisMilliseconds else { return nil }
        let elapsed = Int64((now - min(now, measuredAt)) / 1_000_000)
        let redis = redisMilliseconds + elapsed + Int64(timeout.nanoseconds / 1_000_000)
        let margin = UInt64(2 * uncertaintyMilliseconds) * 1_000_000
        return (redis, now + timeout.nanoseconds + margin)
    }
}
