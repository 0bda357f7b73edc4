import Synchronization

/// One event as an in-process subscriber sees it.
public struct HubEvent: Sendable, Equatable {
    /// The event's id, as HTTP subscribers see it in its `id:` line.
    public let id: EventID
    /// The channel it was published to (one of the subscription's).
    public let channel: String
    /// The SSE event name; nil for the default `message`.
    public let event: String?
    /// The event's data, as published (line breaks included).
    public let data: String

    /// What the event costs against the subscriber's high-water mark.
    var weight: Int { data.utf8.count + channel.utf8.count + (event?.utf8.count ?? 0) + 64 }
}

/// The publishing side of one in-process subscription. The publisher yields under the hub's publish lock;
/// the consumer's iterator reports what it took. Both sides go through the sink's own lock.
final class EventStreamSink: Sendable {
    private struct State {
        var continuation: AsyncStream<HubEvent>.Continuation?
        var pendingBytes = 0
        var lastID: EventID?
    }

    let channels: [String]
    private let state: Mutex<State>
    private let highWaterBytes: Int

    init(continuation: AsyncStream<HubEvent>.Continuation, channels: [String], highWaterBytes: Int) {
        state = Mutex(State(continuation: continuation))
        self.channels = channels
        self.highWaterBytes = highWaterBytes
    }

    /// Hands `event` to the consumer, once even when it was published to several of the stream's channels.
    /// Returns true when the consumer's unread backlog just passed the high-water mark: the caller detaches
    /// the sink and calls `finish()` once it holds no lock (finishing runs the stream's termination handler).
    func yield(_ event: HubEvent) -> Bool {
        state.withLock { state -> Bool in
            guard let continuation = state.continuation, event.id != state.lastID else { return false }
            state.lastID = event.id
            // Judged by the backlog left unread before this event, so one event larger than the mark reaches a
            // consumer that keeps up.
            if state.pendingBytes > highWaterBytes { return true }
            state.pendingBytes += event.weight
            continuation.yield(event)
            return false
        }
    }

    func consumed(_ event: HubEvent) {
        state.withLock { $0.pendingBytes -= event.weight }
    }

    /// Ends the stream. Call with no hub lock held.
    func finish() {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.finish()
    }
}

/// An in-process subscription: the events of its channels, in order, until the hub stops, the consumer stops
/// iterating, or the consumer falls further behind than the high-water mark (then the sequence ends).
public struct EventStream: AsyncSequence, Sendable {
    /// Each element is one event of the subscription's channels.
    public typealias Element = HubEvent
    let stream: AsyncStream<HubEvent>
    let sink: EventStreamSink

    /// Iterates one subscription; reports what it takes, so the backlog counts only unread events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<HubEvent>.AsyncIterator
        let sink: EventStreamSink

        /// The next event, waiting for it; nil once the subscription has ended.
        public mutating func next() async -> HubEvent? {
            guard let event = await base.next() else { return nil }
            sink.consumed(event)
            return event
        }
    }

    /// An iterator over the subscription. Iterate a stream once: every iterator takes from the same queue.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), sink: sink)
    }

    /// Ends the subscription from the consumer's side.
    public func cancel() {
        sink.finish()
    }
}
