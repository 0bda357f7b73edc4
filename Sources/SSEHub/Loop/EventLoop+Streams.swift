extension EventLoop {
    /// Turns `connection` into an event stream: the response head and `retry:`, then the replay, then live
    /// events. Subscribing and computing the replay happen in one step under the publish lock, so nothing
    /// published in between is lost or sent twice.
    func startStream(_ request: StreamRequest, on connection: Connection, keepAlive: Bool) {
        let plan: SubscriptionPlan
        let relay = hub.relay
        do {
            plan = try hub.table.withLock { (table) throws(HubError) in
                try table.subscribe(
                    loop: handle.index, names: request.channels, lastEventID: request.lastEventID,
                    now: MonotonicClock.now(), canFetch: relay?.isReady == true)
            }
        } catch {
            respond(error.httpError.response, to: connection, keepAlive: keepAlive, head: false)
            return
        }
        if let relay = hub.relay {
            for name in plan.newlyInterested { relay.interestChanged(channel: name, interested: true) }
        }
        hub.reportPresence()
        let opened = MonotonicClock.now()
        let stream = StreamState(now: opened)
        // A token's expiry ends the stream if it comes before the lifetime does (then the reconnect checks the
        // token again, so the lifetime needs no end event of its own).
        let lifetimeEnd = streamDeadline(now: opened)
        let tokenEnd = request.end.map { scheduleEnd($0, of: stream, before: lifetimeEnd) } ?? nil
        connection.state = .stream(stream, endsAt: tokenEnd ?? lifetimeEnd)
        connection.parser = HTTPRequestParser(limits: configuration.parserLimits)
        enqueue(request.headers.isEmpty ? streamHead() : streamHead(adding: request.headers), to: connection)
        for frame in plan.frames { enqueue(frame, to: connection) }
        metrics.countAnswer(status: 200)
        metrics.replayedEvents += plan.frames.count - (plan.reset == nil ? 0 : 1)
        if let reset = plan.reset { metrics.resets[reset.rawValue] += 1 }
        stream.lastSequence = plan.frames.last?.sequence ?? 0
        stream.sharedStream = plan.sharedStream
        stream.alreadyHad = plan.alreadyHad
        stream.historyThrough = plan.alreadyHad
        for entry in plan.entries {
            let channel =
                channels[entry.key]
                ?? {
                    let created = LoopChannel(key: entry.key, name: entry.name)
                    channels[entry.key] = created
                    return created
                }()
            stream.memberships.append(.init(key: entry.key, index: channel.members.count))
            channel.members.append(.init(connection: connection, stream: stream, floor: entry.floor))
        }
        hub.stats.add(.openStreams)
        if draining {
            // Opened during a drain: it gets its replay, then goes elsewhere (never a 503 for a stream).
            endStream(connection, stream, retryMilliseconds: drainRetry())
            return
        }
        if let relay, !plan.fetches.isEmpty { fetchHistory(plan.fetches, for: connection, stream, relay: relay) }
    }

    /// The fan-out: hands one shared frame to every subscriber of the channel on this loop. No copies, no
    /// closures: one compare and one append per subscriber (and for a keyed event of a coalescing channel, a
    /// search of the queue of a subscriber that has keyed frames waiting).
    func deliver(_ frame: Frame, to key: UInt64) {
        guard let channel = channels[key] else { return }
        let highWater = configuration.highWaterBytes
        var queued = 0
        defer {
            metrics.deliveries += queued
            if queued > 0 && frame.publishedAt != 0 && frame.sequence != lastTimedSequence {
                lastTimedSequence = frame.sequence
                unflushedPublishTimes.append(frame.publishedAt)
            }
        }
        for member in channel.members {
            let (connection, stream) = (member.connection, member.stream)
            guard frame.sequence > member.floor, frame.sequence != stream.lastSequence,
                !connection.closeAfterFlush
            else { continue }
            // A frame without an id (a `reset`) is no newer event: the copies of what the stream already had may
            // still follow it (a back-fill after its gap reset), and are skipped all the same.
            if let through = stream.historyThrough, let id = frame.id {
                if id <= through { continue }
                stream.historyThrough = nil
            }
            stream.lastSequence = frame.sequence
            stream.lastQueuedAt = turnTime
            queued += 1
            let holding = stream.pendingFetches > 0
            if holding {
                // Resuming from relay history: live events wait until the history has gone out. They are unsent
                // events all the same: a newer one of a key replaces the one held (at most one is).
                if let key = frame.coalesceKey,
                    let held = stream.heldLive.lastIndex(where: { $0.coalesceKey == key })
                {
                    stream.heldLiveBytes -= stream.heldLive.remove(at: held).count
                    metrics.coalescedEvents += 1
                }
                stream.heldLive.append(frame)
                stream.heldLiveBytes += frame.count
            } else {
                // Only a keyed frame of a coalescing channel has a key (`Hub.store`); a queue without keyed frames
                // is not searched.
                if let key = frame.coalesceKey, connection.outbound.removeUnsent(coalesceKey: key) > 0 {
                    metrics.coalescedEvents += 1
                }
                connection.outbound.append(frame)
            }
            let backlog = connection.outbound.backlogBytes + stream.heldLiveBytes
            if backlog > metrics.outboundHighWater { metrics.outboundHighWater = backlog }
            if backlog > highWater {
                // Too slow: drop it rather than buffer without bound; its browser resumes by Last-Event-ID.
                doomSlow(connection)
            } else if !holding {
                markDirty(connection)
            }
        }
    }

    private func doomSlow(_ connection: Connection) {
        guard !connection.closeAfterFlush else { return }
        connection.closeAfterFlush = true
        connection.outbound.discard()
        hub.stats.add(.slowSubscribersDropped)
        doomed.append(connection)
    }

    /// Removes a closing stream from this loop's member lists and from the channel table.
    func leaveChannels(_ stream: StreamState) {
        var names: [String] = []
        for membership in stream.memberships {
            guard let channel = channels[membership.key] else { continue }
            names.append(channel.name)
            let last = channel.members.count - 1
            if membership.index != last {
                let moved = channel.members[last]
                channel.members[membership.index] = moved
                if let slot = moved.stream.memberships.firstIndex(where: { $0.key == membership.key }) {
                    moved.stream.memberships[slot].index = membership.index
                }
            }
            channel.members.removeLast()
            if channel.members.isEmpty { channels[membership.key] = nil }
        }
        stream.memberships = []
        let abandoned = hub.table.withLock {
            $0.unsubscribe(loop: handle.index, names: names, sharedStream: stream.sharedStream)
        }
        if let relay = hub.relay {
            for name in abandoned { relay.interestChanged(channel: name, interested: false) }
        }
        hub.reportPresence()
        hub.stats.add(.openStreams, -1)
    }

    /// Head and `retry:` of every stream. Close-delimited (RFC 9112 §6.3 rule 8): the frames go out exactly as
    /// encoded, with no chunk framing around them.
    func streamHead() -> Frame {
        let date = clock.current
        if let cached = cachedStreamHead, cached.date == date { return cached.frame }
        var bytes = Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n".utf8)
        bytes.append(contentsOf: "X-Accel-Buffering: no\r\nDate: \(date)\r\nConnection: close\r\n\r\n".utf8)
        bytes.append(contentsOf: EventEncoder.retry(milliseconds: configuration.retryMilliseconds))
        let frame = Frame(bytes: bytes)
        cachedStreamHead = (date, frame)
        return frame
    }

    /// The same head with a route's own header fields (CORS), built for the one stream.
    func streamHead(adding headers: [(String, String)]) -> Frame {
        var bytes = Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n".utf8)
        for (name, value) in headers where HTTPResponse.isWritable(name, value) {
            bytes.append(contentsOf: "\(name): \(value)\r\n".utf8)
        }
        bytes.append(contentsOf: "X-Accel-Buffering: no\r\nDate: \(clock.current)\r\nConnection: close\r\n\r\n".utf8)
        bytes.append(contentsOf: EventEncoder.retry(milliseconds: configuration.retryMilliseconds))
        return Frame(bytes: bytes)
    }
}
