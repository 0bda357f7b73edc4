import SSEHub
import Synchronization

extension RedisBridge {
    /// The bridge's families for `GET /metrics`: whether Redis is reachable, publish round trips, and what
    /// went through Redis or failed to.
    package func writeMetrics(to page: inout PrometheusText) {
        page.add(
            "ssehub_redis_up", .gauge, "1 while the bridge is connected to Redis and in step with the group.",
            isReady ? 1 : 0)
        page.add(
            "ssehub_redis_subscribed_channels", .gauge, "Channels the bridge subscribes to in Redis.",
            counters.read(.subscribedChannels))
        let families: [(RedisBridgeCounters.Counter, String, String)] = [
            (.published, "ssehub_redis_published_total", "Events published through Redis."),
            (.received, "ssehub_redis_received_total", "Events received from Redis."),
            (.malformed, "ssehub_redis_malformed_total", "Messages from Redis that were not valid events (dropped)."),
            (.failedPublishes, "ssehub_redis_failed_publishes_total", "Publishes Redis refused or lost."),
            (
                .degradedPublishes, "ssehub_redis_degraded_publishes_total",
                "Publishes delivered by this hub alone while Redis was unreachable."
            ),
            (
                .expiredPublishes, "ssehub_redis_expired_publishes_total",
                "Publishes given up on at their deadline and delivered by this hub alone."
            ),
            (.lateAnswers, "ssehub_redis_late_answers_total", "Publishes Redis answered after this hub gave up."),
            (
                .behindPosition, "ssehub_redis_behind_position_total",
                "Events from Redis below this hub's position (not delivered)."
            ),
            (.backfilled, "ssehub_redis_backfilled_total", "Events recovered from Redis streams after a gap."),
            (.gapResets, "ssehub_redis_gap_resets_total", "Gaps after an outage that could not be recovered."),
        ]
        for (counter, name, help) in families { page.add(name, .counter, help, counters.read(counter)) }
        let trips = roundTrips.withLock { $0 }
        page.addHistogram(
            "ssehub_redis_round_trip_seconds",
            "Time from a publish handed to the bridge to Redis's answer with its id.",
            bounds: LatencyHistogram.bounds.map { Double($0) / 1e9 }, counts: trips.counts,
            sum: Double(trips.sumNanoseconds) / 1e9)
    }

    package func groupSubscriberCounts(_ completion: @escaping @Sendable ([String: Int]?) -> Void) {
        hub.run(onLoop: 0) { loop in
            guard let core = loop.attachment(RedisBridgeCore.self) else { return completion(nil) }
            // The first ask starts hearing the totals; they arrive as counts change.
            guard core.presence.hearing else {
                core.hearPresence()
                return completion(nil)
            }
            completion(core.presence.reported)
        }
    }
}
