import SSEHub
import Synchronization

/// Joins a hub to a group of hubs sharing one Redis: every publish goes through Redis and comes back to every
/// hub (the sender included), so each channel has one order and one set of ids everywhere.
///
/// This facade is the hub's `PublishRelay` and is safe from any thread; the work happens in a
/// `RedisBridgeCore` on the hub's loop 0, on the same epoll as the hub's connections.
public final class RedisBridge: PublishRelay {
    /// The Redis the bridge connects to.
    public let address: RedisAddress
    /// Prefixed to every Redis key and channel the bridge uses, so groups can share one Redis.
    public let prefix: String
    let hub: Hub
    let ready = Atomic<Bool>(false)
    let counters = RedisBridgeCounters()
    /// Publish round trips through Redis, for `GET /metrics`.
    let roundTrips = Mutex(LatencyHistogram())
    private let groupObservers = Mutex<[@Sendable (_ channel: String, _ subscribers: Int) -> Void]>([])

    /// Attaches a bridge to `hub` and starts connecting. Until Redis answers, the hub delivers locally.
    @discardableResult
    public static func attach(
        to hub: Hub, address: RedisAddress, prefix: String = "ssehub:", timings: RedisTimings = RedisTimings()
    ) -> RedisBridge {
        let bridge = RedisBridge(hub: hub, address: address, prefix: prefix)
        hub.install(bridge)
        hub.run(onLoop: 0) { loop in
            let core = RedisBridgeCore(bridge: bridge, timings: timings, loop: loop)
            loop.retain(core)
            core.start()
        }
        // Every hub writes its counts, observed here or not, so the group's totals are whole.
        // Weak: the hub holds its observers, and must be freed after `shutdown`.
        hub.observePresence { [weak hub] channel, count in
            hub?.run(onLoop: 0) { loop in
                loop.attachment(RedisBridgeCore.self)?.presence.localChanged(channel, to: count)
            }
        }
        return bridge
    }

    private init(hub: Hub, address: RedisAddress, prefix: String) {
        self.hub = hub
        self.address = address
        self.prefix = prefix
    }

    /// Whether the bridge is connected to Redis and in step with the group (`GET /health/ready`). While it is
    /// false, broadcasts are delivered by this hub alone.
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    package func relay(
        channels: [String], event: String?, data: [UInt8], key: String?,
        completion: @escaping @Sendable (EventID?) -> Void
    ) -> Bool {
        guard isReady else {
            counters.add(.degradedPublishes)
            return false
        }
        let started = MonotonicClock.now()
        hub.run(onLoop: 0) { [self] loop in
            guard let core = loop.attachment(RedisBridgeCore.self) else { return completion(nil) }
            core.publish(channels: channels, event: event ?? "", data: data, key: key) { id in
                if id != nil { self.roundTrips.withLock { $0.observe(MonotonicClock.now() &- started) } }
                completion(id)
            }
        }
        return true
    }

    package func history(
        channel: String, after id: EventID, limit: Int, completion: @escaping @Sendable ([RelayedEvent]?) -> Void
    ) -> Bool {
        guard isReady else { return false }
        hub.run(onLoop: 0) { loop in
            guard let core = loop.attachment(RedisBridgeCore.self) else { return completion(nil) }
            core.history(channel: channel, after: id, limit: limit, completion: completion)
        }
        return true
    }

    /// Calls `observer` with a channel and its number of subscribers across the group (every hub sharing this
    /// Redis) whenever that total changes: "3 people viewing" alike on every hub. While Redis is unreachable the
    /// observer hears this hub's own counts. A hub that dies drops out of the totals within
    /// `RedisTimings.presenceTTL`. Counts already standing when the first observer arrives are heard from
    /// their next change. The observer runs on the hub's loop 0: it must not block, and may broadcast.
    public func observeGroupPresence(_ observer: @escaping @Sendable (_ channel: String, _ subscribers: Int) -> Void) {
        let first = groupObservers.withLock { observers in
            observers.append(observer)
            return observers.count == 1
        }
        guard first else { return }
        hub.run(onLoop: 0) { loop in loop.attachment(RedisBridgeCore.self)?.hearPresence() }
    }

    func notifyGroupPresence(channel: String, subscribers: Int) {
        for observer in groupObservers.withLock({ $0 }) { observer(channel, subscribers) }
    }

    package func interestChanged(channel: String, interested: Bool) {
        hub.run(onLoop: 0) { loop in loop.attachment(RedisBridgeCore.self)?.reconcile(channel) }
    }

    package var health: [(String, JSONValue)] {
        [
            (
                "redis",
                .object([
                    ("address", .string(address.description)),
                    ("state", .string(isReady ? "connected" : "unreachable")),
                    ("subscribedChannels", .number(Double(counters.read(.subscribedChannels)))),
                    ("published", .number(Double(counters.read(.published)))),
                    ("received", .number(Double(counters.read(.received)))),
                    ("malformed", .number(Double(counters.read(.malformed)))),
                    ("failedPublishes", .number(Double(counters.read(.failedPublishes)))),
                    ("degradedPublishes", .number(Double(counters.read(.degradedPublishes)))),
                    ("expiredPublishes", .number(Double(counters.read(.expiredPublishes)))),
                    ("lateAnswers", .number(Double(counters.read(.lateAnswers)))),
                    ("behindPosition", .number(Double(counters.read(.behindPosition)))),
                    ("backfilled", .number(Double(counters.read(.backfilled)))),
                    ("gapResets", .number(Double(counters.read(.gapResets)))),
                ])
            )
        ]
    }
}

/// The bridge's counters for `GET /health`: what went through Redis, and what an outage cost (events
/// published locally while Redis was unreachable reach only this hub's subscribers).
final class RedisBridgeCounters: Sendable {
    enum Counter: Int, CaseIterable {
        case subscribedChannels, published, received, malformed, failedPublishes, degradedPublishes, behindPosition
        /// Given up on at their deadline, or refused by Redis past it: delivered by this hub alone.
        case expiredPublishes
        /// Answered by Redis after this hub had given up: those events were delivered twice, under two ids.
        case lateAnswers
        /// Missed while the subscribed connection was down and recovered from the channels' streams.
        case backfilled
        /// `reset` events sent to live streams for events missed in such a gap that could not be recovered.
        case gapResets
    }

    private let values = Mutex<[Int]>(Array(repeating: 0, count: Counter.allCases.count))

    func add(_ counter: Counter, _ delta: Int = 1) { values.withLock { $0[counter.rawValue] += delta } }
    func set(_ counter: Counter, _ value: Int) { values.withLock { $0[counter.rawValue] = value } }
    func read(_ counter: Counter) -> Int { values.withLock { $0[counter.rawValue] } }
}
