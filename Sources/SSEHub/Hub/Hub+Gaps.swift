extension Hub {
    /// Tells every live subscriber of `channels` that events of theirs were lost and cannot be supplied: a
    /// relay cut off from its broker missed them and the broker's history no longer proves them, or they
    /// would take the streams' ids backwards. Each stream gets one `reset` naming the channels (its id is the
    /// position, so a reconnect resumes from here; while the hub gives ids of its own, an id of its own taken for
    /// the gap, `ChannelTable.markGap`), and each channel's coverage restarts here, so a resume from before it
    /// is fetched from the relay or reset, never replayed from a ring with a hole in it.
    ///
    /// - Parameters:
    ///   - channels: the channels that lost events; unknown names are skipped.
    ///   - reason: why, for the `reset` event's data.
    public func reportGap(in channels: [String], reason: String) {
        guard !channels.isEmpty else { return }
        let data = ChannelTable.resetData(reason: reason, channels: channels, lastEventID: "")
        let text = String(decoding: data, as: UTF8.self)
        var wake: [LoopHandle] = []
        var overflowed: [EventStreamSink] = []
        let reached = table.withLock { table -> Int in
            let position = table.markGap()
            // No id for the fan-out's checks: a stream skipping events it already had must not skip this.
            let frame = Frame(
                bytes: EventEncoder.encode(id: position.description, event: "reset", data: data),
                sequence: table.nextSequence(), id: nil)
            var perLoop = [[UInt64]](repeating: [], count: loops.count)
            for name in channels {
                table.withRecord(name) { record in
                    record.coverageStart = max(record.coverageStart, position)
                    for (loop, count) in record.loopSubscribers.enumerated() where count > 0 {
                        perLoop[loop].append(record.key)
                    }
                    for stream in record.streams
                    where stream.yield(HubEvent(id: position, channel: name, event: "reset", data: text)) {
                        overflowed.append(stream)
                    }
                }
            }
            for sink in overflowed { table.detach(sink) }
            queue(frame, perLoop: perLoop, fromLoop: nil, wake: &wake)
            return table.audience(of: channels)
        }
        stats.add(.gapResets, reached)
        for loop in wake { loop.signal() }
        for sink in overflowed { sink.finish() }
    }
}
