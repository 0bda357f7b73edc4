import Synchronization

/// Where a submitted event went.
public enum PublishOutcome: Sendable {
    /// Published on this hub at once: no relay is installed, or it cannot take events now (broker down).
    case published(PublishReceipt)
    /// Taken by the relay: the broker gives it its id, and `PendingPublish` reports the receipt.
    case relayed(PendingPublish)
}

/// The receipt of a relayed event, once the broker has answered. Completed exactly once, on any thread.
public final class PendingPublish: Sendable {
    private enum State {
        case waiting(((Result<PublishReceipt, HubError>) -> Void)?)
        case done(Result<PublishReceipt, HubError>)
    }

    private let state = Mutex(State.waiting(nil))

    package init() {}

    /// Calls `callback` with the receipt: at once if it is known, else when it arrives (on the relay's thread).
    /// One callback per pending publish.
    public func whenDone(_ callback: @escaping @Sendable (Result<PublishReceipt, HubError>) -> Void) {
        let known: Result<PublishReceipt, HubError>? = state.withLock { state in
            switch state {
            case .waiting: state = .waiting(callback); return nil
            case .done(let result): return result
            }
        }
        if let known { callback(known) }
    }

    package func complete(_ result: Result<PublishReceipt, HubError>) {
        let callback = state.withLock { state -> ((Result<PublishReceipt, HubError>) -> Void)? in
            guard case .waiting(let callback) = state else { return nil }
            state = .done(result)
            return callback
        }
        callback?(result)
    }
}

extension Hub {
    /// The one place that decides how an event travels: through the relay when one is installed and takes it
    /// (then every hub of the group delivers it, with the broker's id), else on this hub alone. Every entry
    /// (`POST /broadcast`, each `Broadcaster.broadcast`, rendered templates) comes through here. Never blocks.
    ///
    /// - Parameters:
    ///   - channels: the channels (each checked against the hub's channel-name rule); a subscriber of several
    ///     gets the event once.
    ///   - event: the SSE event name, or nil for the default `message`.
    ///   - data: the event's data; line breaks split it into several `data:` lines.
    ///   - key: what the event replaces: on a channel that coalesces (`HubConfiguration.coalescePrefixes`), a
    ///     subscriber that lags keeps only the newest unsent event of each key of the same channels (an htmx
    ///     partial for `#cart`, a counter). nil or empty for none.
    /// - Returns: the receipt at once, or a `PendingPublish` when the relay took the event.
    /// - Throws: `HubError` for a bad channel, event name or key, too many channels, or a full channel table.
    public func submit(channels names: [String], event rawEvent: String?, data: [UInt8], key rawKey: String? = nil)
        throws(HubError) -> PublishOutcome
    {
        try submit(channels: names, event: rawEvent, data: data, key: rawKey, fromLoop: nil)
    }

    /// `submit(channels:event:data:key:)` from loop `fromLoop`'s thread, so a local publish queues that loop's
    /// own share directly.
    func submit(channels names: [String], event rawEvent: String?, data: [UInt8], key rawKey: String?, fromLoop: Int?)
        throws(HubError) -> PublishOutcome
    {
        let channels = try validatedChannels(names)
        let event = try validatedEvent(rawEvent)
        let key = try validatedKey(rawKey)
        guard let relay else {
            return .published(try publish(channels: channels, event: event, data: data, key: key, fromLoop: fromLoop))
        }
        let pending = PendingPublish()
        // A relay that fails after taking the event falls back to local delivery, like one that is down:
        // local subscribers keep getting their events through an outage.
        let taken = relay.relay(channels: channels, event: event, data: data, key: key) { [self] id in
            guard let id else {
                return pending.complete(
                    Result { () throws(HubError) in
                        try publish(channels: channels, event: event, data: data, key: key, fromLoop: nil)
                    })
            }
            answerOnceDelivered(id, channels: channels, pending)
        }
        guard taken else {
            return .published(try publish(channels: channels, event: event, data: data, key: key, fromLoop: fromLoop))
        }
        return .relayed(pending)
    }
}
