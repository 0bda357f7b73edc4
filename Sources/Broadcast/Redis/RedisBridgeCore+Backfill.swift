import SSEHub

extension RedisBridgeCore {
    /// Reads every re-subscribed channel's stream once Redis has confirmed the subscription (then nothing more
    /// is missed) and the publisher connection can ask.
    func startBackfillIfReady() {
        guard let fill = backfill, fill.confirmed, !fill.started, publisher.state == .ready else { return }
        fill.start()
        for channel in fill.channels {
            history(channel: channel, after: fill.after, limit: bridge.hub.configuration.replayEvents) {
                [weak self] (events: [RelayedEvent]?, proven: Bool) in
                guard let self, self.backfill === fill, fill.add(events, proven: proven, of: channel) else { return }
                self.finish(fill)
            }
        }
    }

    /// Resets the channels the streams could not account for, delivers what the streams held in id order
    /// (after the reset, so those events stay on the far side of it), then lets the live messages held
    /// meanwhile through, without those the streams already supplied.
    private func finish(_ fill: GapBackfill) {
        backfill = nil
        let counters = bridge.counters
        if !fill.unproven.isEmpty {
            counters.add(.gapResets)
            bridge.hub.reportGap(
                in: fill.unproven,
                reason: "events were published while this hub was cut off from Redis and the stored history "
                    + "no longer holds them all")
        }
        var through = fill.after
        var behind: [String] = []
        for event in fill.merged {
            if bridge.hub.deliverRelayed(channels: event.channels, id: event.id, event: event.event, data: event.data) {
                counters.add(.backfilled)
            } else {
                // Below the position: this hub gave ids of its own above it while cut off.
                counters.add(.behindPosition)
                behind += event.channels.filter { !behind.contains($0) }
            }
            through = max(through, event.id)
        }
        lastHeard = max(lastHeard ?? through, through)
        // After the reset, nothing before this point is owed: the next gap is proven from an id the current
        // Redis knows, not again from one of an epoch it lost (which would reset the streams once more).
        if !fill.unproven.isEmpty, let tip = tipAtRaise { lastHeard = max(lastHeard ?? tip, tip) }
        if !behind.isEmpty {
            counters.add(.gapResets)
            bridge.hub.reportGap(
                in: behind,
                reason: RedisBridgeCore.behindReason)
        }
        // Kept past this: a live copy of an event a stream supplied may also arrive after it (the stream was read
        // on the other connection, after the event was appended and before its push came in) and must go out
        // once, not be taken for an event below the position. Each channel's entry goes with its first newer push.
        suppliedByBackfill = fill.supplied
        for push in fill.held { received(push) }
        if fill.unproven.isEmpty && behind.isEmpty && !fill.merged.isEmpty {
            Log.info(
                "redis subscribe", "recovered \(fill.merged.count) events published while this hub was away",
                [("events", .number(Double(fill.merged.count)))])
        }
    }
}
