import SSEHub

extension RedisBridgeCore {
    /// The stream entries of `channel` after `id`, for a resume on a hub that never heard them. nil when the
    /// stream cannot prove it holds everything after `id`: more than `limit` newer entries, or a stream
    /// trimmed to its cap whose oldest entry is newer than `id`. Three pipelined commands, one round trip.
    func history(
        channel: String, after id: EventID, limit: Int, completion: @escaping ([RelayedEvent]?) -> Void
    ) {
        let stream = key("stream:" + channel)
        let answers = HistoryAnswers(completion: completion, after: id, limit: limit)
        publisher.send([
            Array("XRANGE".utf8), stream, Array("(\(id)".utf8), [UInt8(ascii: "+")],
            Array("COUNT".utf8), Array(String(limit + 1).utf8),
        ]) {
            answers.entries = $0; answers.finish()
        }
        publisher.send([Array("XLEN".utf8), stream]) {
            answers.length = $0; answers.finish()
        }
        publisher.send([
            Array("XRANGE".utf8), stream, [UInt8(ascii: "-")], [UInt8(ascii: "+")], Array("COUNT".utf8),
            [UInt8(ascii: "1")],
        ]) {
            answers.oldest = $0; answers.finish()
        }
    }

    /// Collects the three answers of a history fetch (all on loop 0).
    private final class HistoryAnswers {
        let completion: ([RelayedEvent]?) -> Void
        let after: EventID
        let limit: Int
        var entries: RedisReply??
        var length: RedisReply??
        var oldest: RedisReply??
        private var pending = 3

        init(completion: @escaping ([RelayedEvent]?) -> Void, after: EventID, limit: Int) {
            self.completion = completion
            self.after = after
            self.limit = limit
        }

        func finish() {
            pending -= 1
            guard pending == 0 else { return }
            guard case .array(let items)?? = entries, case .integer(let count)?? = length else {
                return completion(nil)
            }
            let events = items.compactMap(RedisBridgeCore.storedEvent)
            guard events.count == items.count, events.count <= limit else { return completion(nil) }
            // A stream trimmed to its cap whose oldest entry is newer than the client's id may have lost
            // events in between.
            if count >= limit, case .array(let first)?? = oldest,
                let stored = first.first.flatMap(RedisBridgeCore.storedEvent), after < stored.id
            {
                return completion(nil)
            }
            completion(events)
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
