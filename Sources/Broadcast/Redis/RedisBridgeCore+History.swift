import SSEHub

extension RedisBridgeCore {
    /// The stream entries of `channel` after `id`, for a resume on a hub that never heard them. nil when the
    /// stream cannot prove it holds everything after `id`:
    /// - `id`'s epoch is not one this Redis issued ids under (the group's epochs set): Redis restarted since
    ///   and lost what came between, or the id is one another hub gave while cut off;
    /// - or the stream was trimmed past `id` (entries were removed and its first entry is newer than `id`);
    /// - or more than `limit` entries follow `id`.
    /// A stream that was never trimmed holds every event of its channel since this Redis's data began, so a
    /// channel with no event before `id` is proven too. Three pipelined commands, one round trip.
    func history(
        channel: String, after id: EventID, limit: Int, completion: @escaping ([RelayedEvent]?) -> Void
    ) {
        history(channel: channel, after: id, limit: limit) { events, proven in completion(proven ? events : nil) }
    }

    /// The same, telling apart what the stream holds (`events`, nil when it holds more than `limit` after
    /// `id` or cannot be read) from whether it proves that is everything (`proven`). A back-fill that cannot
    /// prove the gap still delivers, after its `reset`, what the stream does hold.
    func history(
        channel: String, after id: EventID, limit: Int,
        completion: @escaping (_ events: [RelayedEvent]?, _ proven: Bool) -> Void
    ) {
        let stream = key("stream:" + channel)
        let answers = HistoryAnswers(completion: completion, after: id, limit: limit)
        publisher.send([
            Array("XRANGE".utf8), stream, Array("(\(id)".utf8), [UInt8(ascii: "+")],
            Array("COUNT".utf8), Array(String(limit + 1).utf8),
        ]) {
            answers.entries = $0; answers.finish()
        }
        publisher.send([Array("XINFO".utf8), Array("STREAM".utf8), stream]) {
            answers.info = $0; answers.finish()
        }
        publisher.send([Array("SISMEMBER".utf8), key("epochs"), Array(String(id.epoch).utf8)]) {
            answers.knownEpoch = $0; answers.finish()
        }
    }

    /// Collects the three answers of a history fetch (all on loop 0).
    private final class HistoryAnswers {
        let completion: ([RelayedEvent]?, Bool) -> Void
        let after: EventID
        let limit: Int
        var entries: RedisReply??
        var info: RedisReply??
        var knownEpoch: RedisReply??
        private var pending = 3

        init(completion: @escaping ([RelayedEvent]?, Bool) -> Void, after: EventID, limit: Int) {
            self.completion = completion
            self.after = after
            self.limit = limit
        }

        func finish() {
            pending -= 1
            guard pending == 0 else { return }
            guard case .array(let items)?? = entries else { return completion(nil, false) }
            let events = items.compactMap(RedisBridgeCore.storedEvent)
            guard events.count == items.count, events.count <= limit else { return completion(nil, false) }
            guard case .integer(1)?? = knownEpoch, reachesBack else { return completion(events, false) }
            completion(events, true)
        }

        /// Whether the stream still holds everything after `after`: it does not exist (the channel never had an
        /// event), it never lost an entry (`entries-added` equals `length`, Redis 7), or its first entry is at
        /// or before `after`.
        private var reachesBack: Bool {
            guard case .array(let fields)?? = info else {
                // XINFO answers an error for a key that does not exist.
                if case .error?? = info { return true }
                return false
            }
            var values: [String: RedisReply] = [:]
            for index in stride(from: 0, to: fields.count - 1, by: 2) {
                if let name = fields[index].text { values[name] = fields[index + 1] }
            }
            if case .integer(let length)? = values["length"], case .integer(let added)? = values["entries-added"],
                added == length
            {
                return true
            }
            guard let first = values["first-entry"].flatMap(RedisBridgeCore.storedEvent) else { return false }
            return first.id <= after
        }
    }

    /// A stream entry `[id, [e, event, d, data]]` as an event.
    package static func storedEvent(_ entry: RedisReply) -> RelayedEvent? {
        guard case .array(let parts) = entry, parts.count == 2, let id = parts[0].text.flatMap({ EventID($0) }),
            case .array(let fields) = parts[1], fields.count == 4, case .string(let data) = fields[3]
        else { return nil }
        let event = fields[1].text ?? ""
        // Any Redis client may XADD: an event name with CR or LF would inject SSE fields into every stream.
        guard EventEncoder.isValidFieldValue(event.utf8) else { return nil }
        return RelayedEvent(id: id, event: event.isEmpty ? nil : event, data: data)
    }
}
