import Testing

/// What the gap tests ask of a group's Redis about its hubs' subscriptions.
extension RedisServer {
    /// Whether exactly one connection is subscribed to `channel` (`PUBSUB NUMSUB` of the group's key).
    func hasOneSubscriber(of channel: String) -> Bool {
        (try? command("PUBSUB NUMSUB ssehub:channel:\(channel)"))?.hasSuffix(":1\r\n") == true
    }

    /// Kills the subscribed connection of the one hub that listens to one channel. Redis then publishes nothing to that hub until it
    /// re-subscribes.
    func killSubscribedConnection() throws {
        // The one with the most subscriptions: the channel on top of what every hub subscribes to (its
        // heartbeat, and the presence channel when it observes presence).
        let clients = try command("CLIENT LIST").split(separator: "\n")
        let subscriptions = { (line: Substring) in
            line.split(separator: " ").first { $0.hasPrefix("sub=") }.flatMap { Int($0.dropFirst(4)) } ?? 0
        }
        let line = try #require(clients.max { subscriptions($0) < subscriptions($1) })
        let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
        _ = try command("CLIENT KILL ID \(id)")
    }
}
