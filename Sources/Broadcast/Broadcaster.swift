import Dispatch
@_exported import SSEHub
import Synchronization

/// The public broadcast API: publish events to a hub's subscribers from any thread, and subscribe in-process.
///
/// Either start a hub of its own (`Broadcaster.start`) or attach to a hub the program already runs. Every
/// method returns without blocking on I/O: events are queued to the hub's loops, which write them.
public final class Broadcaster: Sendable {
    public let hub: Hub

    /// Attaches to a running hub.
    public init(attachingTo hub: Hub) {
        self.hub = hub
    }

    /// Starts a hub with `configuration` (listening at once) and returns its broadcaster. With `redis`, the hub
    /// joins the group of hubs sharing that Redis (see `RedisBridge`).
    public static func start(
        _ configuration: HubConfiguration = HubConfiguration(), redis: RedisAddress? = nil,
        redisPrefix: String = "ssehub:", routes: (inout RouterBuilder) -> Void = { _ in }
    ) throws -> Broadcaster {
        let hub = try Hub.start(configuration, routes: routes)
        if let redis { RedisBridge.attach(to: hub, address: redis, prefix: redisPrefix) }
        return Broadcaster(attachingTo: hub)
    }

    /// Sends `data` as one event to every subscriber of `channel`. Multi-line data becomes several `data:`
    /// lines. Returns the event's id.
    ///
    /// In a Redis group the id comes from Redis, so this waits for its answer (at most `relayTimeout`); call
    /// `broadcastAsync` instead where waiting is not allowed, and never from a hub loop thread.
    @discardableResult
    public func broadcast(channel: String, event: String? = nil, data: String) throws(HubError) -> EventID {
        guard hub.relay != nil else { return try hub.publish(channels: [channel], event: event, data: data.utf8).id }
        let answer = Mutex<Result<EventID, HubError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        hub.publish(channels: [channel], event: event, data: Array(data.utf8)) { result in
            answer.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + relayTimeout) == .success, let result = answer.withLock({ $0 }) else {
            throw .relayFailed("Redis did not answer within \(relayTimeout)")
        }
        return try result.get()
    }

    /// The same without blocking a thread: resumes when the id is known.
    @discardableResult
    public func broadcastAsync(channel: String, event: String? = nil, data: String) async throws -> EventID {
        try await withCheckedThrowingContinuation { continuation in
            hub.publish(channels: [channel], event: event, data: Array(data.utf8)) { result in
                continuation.resume(with: result)
            }
        }
    }

    /// How long a synchronous broadcast waits for Redis.
    public var relayTimeout: DispatchTimeInterval { .seconds(5) }

    /// Sends one event to several channels; a subscriber of more than one of them receives it once.
    @discardableResult
    public func broadcast(channels: [String], event: String? = nil, data: String) throws(HubError) -> PublishReceipt {
        try hub.publish(channels: channels, event: event, data: data.utf8)
    }

    /// Renders `template` from the hub's library once with `context` and sends the HTML to every subscriber
    /// of `channel` (for htmx `sse-swap`). Nothing is sent if the template is unknown or fails to render.
    @discardableResult
    public func broadcast(channel: String, event: String? = nil, template: String, context: TemplateValue)
        throws(TemplateBroadcastError) -> EventID
    {
        try hub.publish(channels: [channel], event: event, template: template, context: context).id
    }

    /// The same, with any `Encodable` value as the context.
    @discardableResult
    public func broadcast(channel: String, event: String? = nil, template: String, context: some Encodable)
        throws -> EventID
    {
        try broadcast(channel: channel, event: event, template: template, context: TemplateValue(encoding: context))
    }

    /// Events of `channels` published from now on, as an `AsyncSequence`.
    public func subscribe(to channels: String...) throws(HubError) -> EventStream {
        try hub.subscribe(channels: channels)
    }

    /// Stops the hub: no new connections, every stream ended, loop threads joined.
    public func shutdown() {
        hub.shutdown()
    }
}
