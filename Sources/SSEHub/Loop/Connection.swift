/// One accepted socket: an HTTP/1.1 connection that may become an event stream.
/// Owned by its loop and touched only on that loop's thread. An idle stream holds no buffer: reads go
/// through the loop's shared scratch buffer and the outbound queue is empty.
final class Connection {
    /// What the connection is doing; each state carries what only it needs.
    enum State {
        /// Reading requests and answering them.
        case http
        /// A deferred answer is on its way (the worker pool, a relay): nothing more is read or parsed until it
        /// comes, so pipelined answers stay in request order; bytes already read wait in `heldInput`.
        case awaitingAnswer(PendingAnswer)
        /// Sending events; anything the client sends is read and dropped. `endsAt`: when its lifetime is up
        /// (`streamDeadline`), or, once it is ending, when it is closed even if its client has not read the rest;
        /// `.max`: never. Kept here rather than in `StreamState` because the payload of `awaitingAnswer` is
        /// larger anyway, so it costs no byte per stream.
        case stream(StreamState, endsAt: UInt64)
        /// The last answer is sent and writing is shut down; what the client still sends is read and dropped
        /// until it closes, `until` passes or `bytesLeft` runs out (lingering close).
        case lingering(until: UInt64, bytesLeft: Int)
        case closed
    }

    let fd: Int32
    let generation: UInt32
    var state = State.http
    var parser: HTTPRequestParser
    var outbound = OutboundQueue()
    /// When the request in progress began arriving (head timeout), or the last activity (idle timeout).
    var lastActivity: UInt64
    var requestStartedAt: UInt64?
    /// Close once the queue is written: the answer said `Connection: close`, or a stream too slow was dropped.
    var closeAfterFlush = false
    /// Numbers this connection's deferred answers, so a late one (after its 503) is told from the next.
    var deferredCount: UInt64 = 0
    /// Pipelined bytes read while an answer was awaited or answers were held back (at most one read's worth:
    /// nothing more is read while they wait).
    var heldInput: [UInt8] = []
    /// The peer closed its side; the connection only writes what is left, then closes.
    var readClosed = false
    var isDirty = false
    var wantsWritable = false
    /// Unsent answers passed `maxUnsentAnswerBytes`: reading and parsing wait until the queue drains.
    var waitingForDrain = false

    /// Reading and answering requests, or waiting to answer one.
    var speaksHTTP: Bool {
        switch state {
        case .http, .awaitingAnswer: true
        case .stream, .lingering, .closed: false
        }
    }

    var pendingAnswer: PendingAnswer? {
        if case .awaitingAnswer(let pending) = state { pending } else { nil }
    }

    var stream: StreamState? {
        if case .stream(let stream, _) = state { stream } else { nil }
    }

    var isClosed: Bool {
        if case .closed = state { true } else { false }
    }

    /// Whether the loop reads from the socket: not after EOF, not while a deferred answer is awaited, and not
    /// while unsent answers are over their bound (TCP then pushes back on the client).
    var wantsRead: Bool {
        switch state {
        case .awaitingAnswer, .closed: false
        case .http, .stream, .lingering: !readClosed && !waitingForDrain
        }
    }

    /// What the connection needs to send a deferred answer when it comes, or a 503 when it does not.
    struct PendingAnswer {
        let ticket: UInt64
        let since: UInt64
        let keepAlive: Bool
        /// HEAD gets the answer's head only (RFC 9110 §9.3.2), whichever path the answer took.
        let head: Bool
    }

    init(fd: Int32, generation: UInt32, limits: HTTPParserLimits, now: UInt64) {
        self.fd = fd
        self.generation = generation
        self.parser = HTTPRequestParser(limits: limits)
        self.lastActivity = now
    }
}

/// What an event stream needs beyond its socket: where it sits in the loop's channels, what it was sent last,
/// and a resume from relay history while one is under way.
final class StreamState {
    struct Membership {
        let key: UInt64
        var index: Int
    }

    /// Where this stream sits in each channel's member list on the loop.
    var memberships: [Membership] = []
    /// The newest event queued, so an event published to two of the stream's channels is sent once.
    var lastSequence: UInt64 = 0
    /// The stream's name in the channel table when it takes several channels (see `SubscriptionPlan`).
    var sharedStream: UInt64?
    /// When bytes were last queued (keepalive comments go to streams idle since then).
    var lastQueuedAt: UInt64
    /// Resuming from relay history: fetches still out, the last id the client had, what arrived, and live
    /// frames held back until the history has gone out first.
    var pendingFetches = 0
    var resumeAfter: EventID?
    var fetchedHistory: [Frame] = []
    var heldLive: [Frame] = []
    /// Bytes in `heldLive`, held to the same high-water mark as the outbound queue.
    var heldLiveBytes = 0
    var fetchFailures: [String] = []
    /// The newest id the fetched history sent: its live copy may still come (Redis answers the history and
    /// publishes on different connections) and is skipped; cleared by the first newer live event.
    var historyThrough: EventID?
    /// The resume id when it lay above the hub's position (`SubscriptionPlan.alreadyHad`).
    var alreadyHad: EventID?
    /// The event the stream ends with when its token expires first (`StreamEnd`); its time is the state's
    /// `endsAt`.
    var endFrame: Frame?

    init(now: UInt64) {
        lastQueuedAt = now
    }
}

/// One channel's subscribers on one loop, with the floor below which each skips live events.
final class LoopChannel {
    struct Member {
        let connection: Connection
        /// The connection's stream state, held here so the fan-out reaches it without matching the state.
        let stream: StreamState
        let floor: UInt64
    }

    let key: UInt64
    let name: String
    var members: [Member] = []

    init(key: UInt64, name: String) {
        self.key = key
        self.name = name
    }
}
