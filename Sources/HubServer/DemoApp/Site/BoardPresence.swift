import Broadcast
import SSEHub

extension DemoSite {
    /// Shows on every open board how many people are viewing it: whenever a board channel's subscribers change
    /// (across the group, with Redis), the count goes out on that board's channel as an out-of-band swap.
    /// The observer runs on a loop, so the event is submitted without waiting for Redis's answer.
    public func followPresence(on broadcaster: Broadcaster) {
        // Weak: the hub holds its observers, and must be freed after `shutdown` (a leak checker sees it).
        broadcaster.observePresence { [weak hub = broadcaster.hub] channel, subscribers in
            guard let hub, channel.hasPrefix(BoardChannelGate.prefix), subscribers > 0, let templates = hub.templates
            else { return }
            do {
                let html = try templates.render(
                    "boards/live/presence", .object(["viewing": .string(BoardContexts.viewing(subscribers))]))
                _ = try hub.submit(channels: [channel], event: BoardLive.event, data: html)
            } catch {
                Log.error("demo", "presence of \(channel): \(error)")
            }
        }
    }
}
