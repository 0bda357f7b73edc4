import Dispatch
// Re-exported on purpose: an app that imports Broadcast gets the hub's API with it (`Hub`, `HubConfiguration`,
// `RouterBuilder`, requests, responses, templates), which `Broadcaster.start` and the routes it takes are built
// from, so one import is enough. Only SSEHub's `public` declarations travel: `package` ones (loop plumbing,
// relay hooks, and every extension SSEHub makes on standard types, such as `Duration.nanoseconds`) stay inside
// this package. Swift has no supported spelling for a re-export yet (`public import` makes the dependency part
// of the API, but its names still need an import of their own), hence the underscored attribute.
@_exported import SSEHub
import Synchronization

/// The public broadcast API: publish events to a hub's subscribers from any thread, and subscribe in-process.
///
/// Either start a hub of its own (`Broadcaster.start`) or attach to a hub the program already runs. Every
/// method returns without blocking on I/O: events are queued to the hub's loops, which write them.
public final class Broadcaster: Sendable {
    /// The hub this broadcaster publishes to.
    public let hub: Hub

    /// Attaches to a running hub.
    public init(attachingTo hub: Hub) {
        self.hub = hub
    }

    /// Starts a hub with `configuration` (listening at once) and returns its broadcaster. With `redis`, the hub
    /// joins the group of hubs sharing that Redis (see `RedisBridge`).
    /// - Throws: what `Hub.start` throws (`SystemError`, `TemplateError`, `AuthConfigurationError`).
    public static func start(
        _ configuration: HubConfiguration = HubConfiguration(), redis: RedisAddress? = nil,
        redisPrefix: String = "ssehub:", redisTimings: RedisTimings = RedisTimings(),
        routes: (inout RouterBuilder) -> Void = { _ in }
    ) throws -> Broadcaster {
        let hub = try Hub.start(configuration, routes: routes)
        if let redis { RedisBridge.attach(to: hub, address: redis, prefix: redisPrefix, timings: redisTimings) }
        return Broadcaster(attachingTo: hub)
    }

    /// Sends `data` as one event to every subscriber of `channel`. Multi-line data becomes several `data:`
    /// lines. Returns the event's id. `key`: what the event replaces for a lagging subscriber on a channel that
    /// coalesces (`HubConfiguration.coalescePrefixes`): only the newest unsent event of each key waits for it.
    ///
    /// In a Redis group the id comes from Redis, so this waits for its answer (at most `relayTimeout`); call
    /// `broadcastAsync` instead where waiting is not allowed, and never from a hub loop thread.
    /// - Throws: `HubError` for a bad channel or event name or a full channel table; `.relayFailed` when Redis
    ///   took the event but did not answer in time.
    @discardableResult
    public func broadcast(channel: String, event: String? = nil, data: String, key: String? = nil) throws(HubError)
        -> EventID
    {
        try received(hub.submit(channels: [channel], event: event, data: Array(data.utf8), key: key)).id
    }

    /// The same without blocking a thread: resumes when the id is known.
    /// - Throws: `HubError`, as `broadcast(channel:event:data:)` does, but never `.relayFailed`: instead of a
    ///   timeout of its own it waits for Redis's answer or the bridge's publish deadline (then the hub
    ///   delivers the event itself).
    @discardableResult
    public func broadcastAsync(channel: String, event: String? = nil, data: String, key: String? = nil) async throws
        -> EventID
    {
        switch try hub.submit(channels: [channel], event: event, data: Array(data.utf8), key: key) {
        case .published(let receipt): return receipt.id
        case .relayed(let pending):
            return try await withCheckedThrowingContinuation { continuation in
                pending.whenDone { continuation.resume(with: $0.map(\.id)) }
            }
        }
    }

    /// How long a synchronous broadcast waits for Redis.
    public var relayTimeout: DispatchTimeInterval { .seconds(5) }

    /// Sends one event to several channels; a subscriber of more than one of them receives it once. Waits for
    /// Redis in a group, like `broadcast(channel:event:data:)`.
    /// - Throws: `HubError`, as `broadcast(channel:event:data:)` does.
    @discardableResult
    public func broadcast(channels: [String], event: String? = nil, data: String, key: String? = nil)
        throws(HubError) -> PublishReceipt
    {
        try received(hub.submit(channels: channels, event: event, data: Array(data.utf8), key: key))
    }

    /// Renders `template` from the hub's library once with `context` and sends the HTML to every subscriber
    /// of `channel` (for htmx `sse-swap`). Nothing is sent if the template is unknown or fails to render.
    /// Waits for Redis in a group, like `broadcast(channel:event:data:)`.
    /// - Throws: `TemplateBroadcastError`: no templates, a render that failed, or a refused publish.
    @discardableResult
    public func broadcast(
        channel: String, event: String? = nil, template: String, context: TemplateValue, key: String? = nil
    ) throws(TemplateBroadcastError) -> EventID {
        let outcome = try hub.submit(channels: [channel], event: event, template: template, context: context, key: key)
        do {
            return try received(outcome).id
        } catch {
            throw .publish(error)
        }
    }

    /// The same, with any `Encodable` value as the context.
    /// - Throws: what encoding `context` throws, or a `TemplateBroadcastError`.
    @discardableResult
    public func broadcast(
        channel: String, event: String? = nil, template: String, context: some Encodable, key: String? = nil
    ) throws -> EventID {
        try broadcast(
            channel: channel, event: event, template: template, context: TemplateValue(encoding: context), key: key)
    }

    /// The receipt of a submitted event: at once when it was published here, else Redis's answer, waited for
    /// at most `relayTimeout`.
    private func received(_ outcome: PublishOutcome) throws(HubError) -> PublishReceipt {
        switch outcome {
        case .published(let receipt): return receipt
        case .relayed(let pending): return try waitFor(pending)
        }
    }

    private func waitFor(_ pending: PendingPublish) throws(HubError) -> PublishReceipt {
        let answer = Mutex<Result<PublishReceipt, HubError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        pending.whenDone { result in
            answer.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + relayTimeout) == .success, let result = answer.withLock({ $0 }) else {
            throw .relayFailed("Redis did not answer within \(relayTimeout)")
        }
        return try result.get()
    }

    /// Events of `channels` published from now on, as an `AsyncSequence`.
    /// - Throws: `HubError` for a bad channel name, too many channels, or a full channel table.
    public func subscribe(to channels: String...) throws(HubError) -> EventStream {
        try hub.subscribe(channels: channels)
    }

    /// Calls `observer` with a channel and its number of subscribers whenever that changes: across the group
    /// when the hub shares a Redis (`RedisBridge.observeGroupPresence`), else on this hub
    /// (`Hub.observePresence`). It must not block, and may broadcast.
    public func observePresence(_ observer: @escaping @Sendable (_ channel: String, _ subscribers: Int) -> Void) {
        if let bridge = hub.relay as? RedisBridge {
            bridge.observeGroupPresence(observer)
        } else {
            hub.observePresence(observer)
        }
    }

    /// Stops the hub: no new connections, every stream ended, loop threads joined.
    public func shutdown() {
        hub.shutdown()
    }
}
