extension Hub {
    /// Subscribes in-process to `channels`. Events published after this call arrive in order; the stream is
    /// bounded by the hub's high-water mark like every HTTP subscriber.
    public func subscribe(channels names: [String]) throws(HubError) -> EventStream {
        let channels = try validatedChannels(names)
        let (stream, continuation) = AsyncStream<HubEvent>.makeStream(bufferingPolicy: .unbounded)
        let stats = self.stats
        let sink = EventStreamSink(continuation: continuation, highWaterBytes: configuration.highWaterBytes) {
            stats.add(.slowSubscribersDropped)
        }
        continuation.onTermination = { [weak self] _ in
            self?.removeStream(sink, channels: channels)
        }
        try table.withLock { (table) throws(HubError) in
            let now = MonotonicClock.now()
            for name in channels {
                _ = try table.record(named: name, now: now)
                table.withRecord(name) { $0.streams.append(sink) }
            }
            table.adjustSubscribers(by: channels.count)
        }
        return EventStream(stream: stream, sink: sink)
    }

    private func removeStream(_ sink: EventStreamSink, channels: [String]) {
        table.withLock { table in
            for name in channels {
                table.withRecord(name) { record in record.streams.removeAll { $0 === sink } }
            }
            table.adjustSubscribers(by: -channels.count)
        }
    }
}
