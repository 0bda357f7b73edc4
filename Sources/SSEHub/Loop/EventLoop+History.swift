extension EventLoop {
    /// Asks the relay for the history of each channel this hub never heard, for a stream resuming here. Live
    /// events for the stream are held back meanwhile, so the history goes out first.
    func fetchHistory(
        _ fetches: [(channel: String, after: EventID)], for connection: Connection, _ stream: StreamState,
        relay: PublishRelay
    ) {
        stream.pendingFetches = fetches.count
        stream.resumeAfter = fetches.first?.after
        let (handle, fd, generation, limit) = (handle, connection.fd, connection.generation, configuration.replayEvents)
        for fetch in fetches {
            let channel = fetch.channel
            let asked = relay.history(channel: channel, after: fetch.after, limit: limit) { events in
                handle.send(.history(fd: fd, generation: generation, channel: channel, events: events))
            }
            if !asked { receivedHistory(fd: fd, generation: generation, channel: channel, events: nil) }
        }
    }

    /// One channel's history arrived. When all have, the stream gets them merged in id order, a `reset` for
    /// any that could not be fetched, then the live events held back, without those the history already had.
    /// A stream ended meanwhile (a drain, its lifetime) takes nothing after its final `retry:`: its client
    /// resumes from where it was.
    func receivedHistory(fd: Int32, generation: UInt32, channel: String, events: [RelayedEvent]?) {
        guard let connection = connection(for: fd), connection.generation == generation,
            let stream = connection.stream, stream.pendingFetches > 0, !connection.closeAfterFlush
        else { return }
        if let events {
            stream.fetchedHistory += events.map(\.frame)
        } else {
            stream.fetchFailures.append(channel)
        }
        stream.pendingFetches -= 1
        guard stream.pendingFetches == 0 else { return }
        var seen = Set<EventID>()
        let history = stream.fetchedHistory.sorted { $0.id! < $1.id! }.filter { seen.insert($0.id!).inserted }
        for frame in history { connection.outbound.append(frame) }
        metrics.replayedEvents += history.count
        if !stream.fetchFailures.isEmpty {
            metrics.resets[ResetReason.olderThanHistory.rawValue] += 1
            let position = hub.table.withLock { $0.position }
            connection.outbound.append(
                ChannelTable.resetFrame(
                    position: position, reason: ResetReason.olderThanHistory.message,
                    channels: stream.fetchFailures, lastEventID: stream.resumeAfter?.description ?? ""))
        }
        let newest = history.last?.id
        var liveAfter = false
        for frame in stream.heldLive where frame.id.map({ newest == nil || newest! < $0 }) ?? true {
            connection.outbound.append(frame)
            liveAfter = true
        }
        // Unless a newer live event already went out, the history's newest may still arrive live.
        stream.historyThrough = [liveAfter ? nil : newest, stream.alreadyHad].compactMap { $0 }.max()
        stream.fetchedHistory = []
        stream.heldLive = []
        stream.heldLiveBytes = 0
        stream.fetchFailures = []
        markDirty(connection)
    }
}
