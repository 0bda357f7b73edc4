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
        // heartbeat, and the presence channel when it observes presence). Until one stands out (a hub may not
        // have subscribed to presence yet), waiting: a tie could pick the wrong hub.
        let subscriptions = { (line: Substring) in
            line.split(separator: " ").first { $0.hasPrefix("sub=") }.flatMap { Int($0.dropFirst(4)) } ?? 0
        }
        var chosen: Substring?
        try eventually("one connection with the most subscriptions") {
            let clients = ((try? command("CLIENT LIST")) ?? "").split(separator: "\n").filter { $0.hasPrefix("id=") }
            let ranked = clients.sorted { subscriptions($0) > subscriptions($1) }
            guard let top = ranked.first, ranked.count < 2 || subscriptions(top) > subscriptions(ranked[1]) else {
                return false
            }
            chosen = top
            return true
        }
        let line = try #require(chosen)
        let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
        _ = try command("CLIENT KILL ID \(id)")
    }

    /// Kills every hub's subscribed connection at once (`CLIENT KILL TYPE pubsub`).
    func killEverySubscribedConnection() throws {
        _ = try command("CLIENT KILL TYPE pubsub")
    }

    /// Connections subscribed to something (each hub's subscribed connection, once it is back).
    var subscribedConnections: Int {
        let clients = ((try? command("CLIENT LIST")) ?? "").split(separator: "\n")
        return clients.filter { $0.hasPrefix("id=") && $0.contains(" flags=P ") }.count
    }
}
