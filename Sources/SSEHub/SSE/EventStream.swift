import Synchronization

/// One event as an in-process subscriber sees it.
public struct HubEvent: Sendable, Equatable {
    public let id: EventID
    public let channel: String
    public let event: String?
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
    public typealias Element = HubEvent
    let stream: AsyncStream<HubEvent>
    let sink: EventStreamSink

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<HubEvent>.AsyncIterator
        let sink: EventStreamSink

        public mutating func next() async -> HubEvent? {
            guard let event = await base.next() else { return nil }
            sink.consumed(event)
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), sink: sink)
    }

    /// Ends the subscription from the consumer's side.
    public func cancel() {
        sink.finish()
    }
}
