extension Hub {
    /// Subscribes in-process to `channels`. Events published after this call arrive in order; the stream is
    /// bounded by the hub's high-water mark like every HTTP subscriber.
    /// - Throws: `HubError.invalidChannel` for a bad name, none or too many; `.channelLimit` when the hub holds
    ///   as many channels as it may.
    public func subscribe(channels names: [String]) throws(HubError) -> EventStream {
        let channels = try validatedChannels(names)
        let (stream, continuation) = AsyncStream<HubEvent>.makeStream(bufferingPolicy: .unbounded)
        let sink = EventStreamSink(
            continuation: continuation, channels: channels, highWaterBytes: configuration.highWaterBytes)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.table.withLock { $0.detach(sink) }
            self.reportPresence()
            // A relay re-checks each channel against the table and unsubscribes where nobody is left.
            for name in channels { self.relay?.interestChanged(channel: name, interested: false) }
        }
        try table.withLock { (table) throws(HubError) in
            let now = MonotonicClock.now()
            for name in channels {
                _ = try table.record(named: name, now: now)
                table.withRecord(name) { $0.streams.append(sink) }
            }
            table.adjustSubscribers(by: channels.count)
            table.notePresence(of: channels)
        }
        reportPresence()
        // In a group, the hub must hear these channels from the broker too.
        if let relay { for name in channels { relay.interestChanged(channel: name, interested: true) } }
        return EventStream(stream: stream, sink: sink)
    }

    /// Ends every in-process stream (at shutdown).
    func finishStreams() {
        let sinks = table.withLock { table in
            table.channels.values.flatMap(\.streams).reduce(into: [EventStreamSink]()) { all, sink in
                if !all.contains(where: { $0 === sink }) { all.append(sink) }
            }
        }
        for sink in sinks { sink.finish() }
    }
}

extension ChannelTable {
    /// Removes `sink` from its channels. Idempotent: an overflowed sink is detached by the publisher and
    /// again by its termination handler.
    mutating func detach(_ sink: EventStreamSink) {
        var removed = 0
        for name in sink.channels {
            withRecord(name) { record in
                let before = record.streams.count
                record.streams.removeAll { $0 === sink }
                removed += before - record.streams.count
            }
        }
        adjustSubscribers(by: -removed)
        notePresence(of: sink.channels)
    }
}
