/// What a publish did: the event's id and how many subscribers it was handed to (a stream of several of its
/// channels counts once).
public struct PublishReceipt: Sendable {
    /// The event's id.
    public let id: EventID
    /// Subscribers on this hub it was handed to (in a Redis group, other hubs' are not counted).
    public let subscribers: Int
}

extension Hub {
    /// Publishes one event to `channels` on this hub alone: it gets one id, is encoded once, stored in each
    /// channel's replay ring, and handed to every loop holding subscribers of those channels. Never blocks on
    /// I/O; callable from any thread. Entries go through `submit`, which decides whether the group hears it.
    package func publish(channels names: [String], event: String?, data: some Collection<UInt8>) throws(HubError)
        -> PublishReceipt
    {
        try publish(channels: names, event: event, data: data, key: nil, fromLoop: nil)
    }

    /// `fromLoop`: the loop whose thread is calling (a publish over HTTP); its own share is queued without an
    /// eventfd round trip. `key`: already validated (`validatedKey`).
    func publish(channels names: [String], event: String?, data: some Collection<UInt8>, key: String?, fromLoop: Int?)
        throws(HubError) -> PublishReceipt
    {
        guard
            let receipt = try store(
                channels: names, event: event, data: data, key: key, keyScope: nil, fromLoop: fromLoop,
                assignedID: nil)
        else { preconditionFailure("only a relayed event can fall behind the position") }
        return receipt
    }

    /// Publishes with `assignedID` (a relayed event's) or the next id; nil when `assignedID` is not above the
    /// hub's position (then nothing happened). `keyScope`: the publish's whole channel list when `names` is the
    /// part of it this hub listens to (a relayed event), so its key means the same on every hub.
    func store(
        channels names: [String], event: String?, data: some Collection<UInt8>, key: String?, keyScope: [String]?,
        fromLoop: Int?, assignedID: EventID?
    ) throws(HubError) -> PublishReceipt? {
        let channels = try validatedChannels(names)
        let event = try validatedEvent(event)
        // Encode everything but the id outside the lock; the id line is prefixed under it.
        let body = EventEncoder.encode(id: nil, event: event, data: data)
        // One key of several channels is another than the same key of one of them: replacing across channels
        // would take from a stream of both an event it has not had in any form. An event coalesces when any of
        // its channels does, whichever of them a stream hears it through.
        let scope = keyScope ?? channels
        let coalesceKey = key.flatMap { key in
            scope.contains { name in configuration.coalescePrefixes.contains { name.hasPrefix($0) } }
                ? CoalesceKey(key: key, channels: scope) : nil
        }
        var text: String?
        var wake: [LoopHandle] = []
        var overflowed: [EventStreamSink] = []
        let receipt = try table.withLock { (table) throws(HubError) -> PublishReceipt? in
            // A relayed event below the position was published while this hub, cut off, gave ids of its own
            // above it: delivered, it would take its streams' ids backwards (and resumes from them astray).
            if let assignedID, assignedID <= table.position { return nil }
            let now = MonotonicClock.now()
            // A refused publish creates no channel either.
            try table.checkRoom(for: channels)
            for name in channels { _ = try table.record(named: name, now: now) }
            // Every event takes the next place in this hub's own order; its id is this hub's, or the broker's
            // for a relayed event, or one of this hub's own while its relay is down.
            let sequence = table.nextSequence()
            let id =
                assignedID
                ?? (table.relayed
                    ? table.nextLocalID()
                    : EventID(epoch: epoch, sequence: sequence))
            table.advance(to: id)
            var prefix: [UInt8] = Array("id: ".utf8)
            id.append(to: &prefix)
            prefix.append(0x0A)
            let frame = Frame(
                prefix: prefix, body: body, sequence: sequence, id: id, publishedAt: now, coalesceKey: coalesceKey)
            // Per loop, the keys of the channels it has subscribers of.
            var perLoop = [[UInt64]](repeating: [], count: loops.count)
            for name in channels {
                table.store(frame, in: name, now: now)
                table.withRecord(name) { record in
                    for (loop, count) in record.loopSubscribers.enumerated() where count > 0 {
                        perLoop[loop].append(record.key)
                    }
                    guard !record.streams.isEmpty else { return }
                    let decoded = text ?? String(decoding: data, as: UTF8.self)
                    text = decoded
                    for stream in record.streams
                    where stream.yield(HubEvent(id: id, channel: name, event: event, data: decoded)) {
                        overflowed.append(stream)
                    }
                }
            }
            for sink in overflowed { table.detach(sink) }
            // Queued under the lock, so every loop sees each channel's events in id order.
            queue(frame, perLoop: perLoop, fromLoop: fromLoop, wake: &wake)
            return PublishReceipt(id: id, subscribers: table.audience(of: channels))
        }
        guard let receipt else { return nil }
        if assignedID != nil && !deliveryWaiters.isEmpty { deliveryWaiters.release(through: receipt.id) }
        for loop in wake { loop.signal() }
        for sink in overflowed { sink.finish() }
        if !overflowed.isEmpty {
            stats.add(.slowSubscribersDropped, overflowed.count)
            reportPresence()
        }
        stats.add(.eventsPublished)
        return receipt
    }

    /// Queues `frame` for each loop to the channels (keys) it holds subscribers of there: one message per
    /// loop, so a stream of several of them gets the frame once. Under the publish lock.
    func queue(_ frame: Frame, perLoop: [[UInt64]], fromLoop: Int?, wake: inout [LoopHandle]) {
        for (loop, keys) in perLoop.enumerated() where !keys.isEmpty {
            let message: LoopMessage =
                keys.count == 1 ? .deliver(frame, channel: keys[0]) : .deliverMany(frame, channels: keys)
            queue(message, to: loop, fromLoop: fromLoop, wake: &wake)
        }
    }

    /// Queues `message` for `loop` under the publish lock; a loop that must be woken is added to `wake` (woken
    /// after the lock is released), and the calling loop's own share needs no wake-up at all.
    private func queue(_ message: LoopMessage, to loop: Int, fromLoop: Int?, wake: inout [LoopHandle]) {
        if loop == fromLoop {
            loops[loop].enqueueFromOwnThread(message)
        } else if loops[loop].enqueue(message) {
            wake.append(loops[loop])
        }
    }

    /// An event name for the `event:` field: nil for none or empty; CR, LF and NUL refused (they would end the
    /// field early).
    func validatedEvent(_ event: String?) throws(HubError) -> String? {
        guard let event, !event.isEmpty else { return nil }
        guard EventEncoder.isValidFieldValue(event.utf8) else {
            throw .invalidEvent("event name must not contain CR, LF or NUL")
        }
        return event
    }

    /// A coalescing key: nil for none or empty; at most as long as a channel name may be, without CR, LF or NUL
    /// (it travels in a line of the relay's envelope).
    func validatedKey(_ key: String?) throws(HubError) -> String? {
        guard let key, !key.isEmpty else { return nil }
        guard key.utf8.count <= configuration.maxChannelNameBytes else {
            throw .invalidEvent(
                "key is \(key.utf8.count) bytes; the limit is \(configuration.maxChannelNameBytes) (--max-channel-name)"
            )
        }
        guard EventEncoder.isValidFieldValue(key.utf8) else {
            throw .invalidEvent("key must not contain CR, LF or NUL")
        }
        return key
    }

    /// The names, checked against the channel rule, duplicates removed, order kept.
    package func validatedChannels(_ names: [String]) throws(HubError) -> [String] {
        guard !names.isEmpty else {
            throw .invalidChannel("no channel given; \(ChannelName.rule(maxLength: configuration.maxChannelNameBytes))")
        }
        guard names.count <= configuration.maxChannelsPerStream else {
            throw .invalidChannel("\(names.count) channels given; the limit is \(configuration.maxChannelsPerStream)")
        }
        var unique: [String] = []
        for name in names where !unique.contains(name) {
            if let problem = ChannelName.validate(name, maxLength: configuration.maxChannelNameBytes) {
                throw .invalidChannel(problem)
            }
            unique.append(name)
        }
        return unique
    }
}
