/// Ending streams on purpose: the drain (`Hub.stopAccepting`) and the maximum stream lifetime. Both close a
/// stream cleanly with a final `retry:` so the browser comes back (WHATWG HTML §9.2.3: after the connection
/// closes, the user agent waits the reconnection time, then reconnects sending `Last-Event-ID`, §9.2.4), and
/// both pick the moment or the delay at random from a configured range so that many browsers do not return
/// in one stampede.
extension EventLoop {
    /// This loop's part of the drain: stop accepting, end every stream with a final `retry:` drawn from
    /// `drainRetryMilliseconds`, close idle keep-alive connections. A request under way (being received,
    /// awaiting a relay or a worker) is still answered, with `Connection: close` (`respond`); a stream asked
    /// for from now on opens and ends at once, never a 503 (an `EventSource` gives up for good on one,
    /// WHATWG HTML §9.2.3).
    func startDraining() {
        guard !draining else { return }
        draining = true
        if !acceptPaused {
            // Clients already in the accept queue connected before accepting stopped: they are served too, or
            // closing the listener would reset them. Bounded by the queue's length (`listenBacklog`).
            for _ in 0..<(configuration.listenBacklog / 256 + 1) where !acceptPaused {
                if acceptConnections() { break }
            }
            if !acceptPaused { selector.deregister(fd: listener) }
        }
        // Never re-registered: `resumeAccepting` checks `draining`.
        acceptPaused = true
        let now = MonotonicClock.now()
        for case let connection? in connections {
            // Bytes that arrived in this turn's batch but are not read yet may start a request: read them first,
            // so a connection is only taken for idle when it is.
            if case .http = connection.state, connection.wantsRead { readable(connection) }
            switch connection.state {
            case .stream(let stream, _):
                endStream(connection, stream, retryMilliseconds: drainRetry())
            case .http where connection.requestStartedAt == nil && connection.heldInput.isEmpty:
                // RFC 9112 §9.6: an idle persistent connection may be closed at any time; one used a moment ago
                // (or just accepted) gets a moment to send its request, then the tick closes it. One whose
                // answer is still being written closes once it is.
                if !connection.outbound.isEmpty {
                    connection.closeAfterFlush = true
                } else if now - min(now, connection.lastActivity) >= Self.drainIdleNanoseconds {
                    doomed.append(connection)
                }
            case .http, .awaitingAnswer, .lingering, .closed:
                break
            }
        }
        closeDoomed()
        hub.noteDrainProgress()
    }

    /// How long a keep-alive connection with nothing under way may stay quiet during a drain.
    static let drainIdleNanoseconds: UInt64 = 1_000_000_000

    /// Ends `stream` cleanly: `retry:` goes out after everything already queued, and the connection closes once
    /// the queue is written. The fan-out queues nothing more for it (it skips closing connections), so the
    /// client's `Last-Event-ID` is exactly the last event it got and its reconnect resumes without loss. A
    /// client that does not read the rest within the linger bound is closed by the tick anyway.
    func endStream(_ connection: Connection, _ stream: StreamState, retryMilliseconds: Int) {
        guard !connection.closeAfterFlush, !connection.isClosed else { return }
        connection.state = .stream(stream, endsAt: MonotonicClock.now() + Self.lingerNanoseconds)
        enqueue(Frame(bytes: EventEncoder.retry(milliseconds: retryMilliseconds)), to: connection)
        connection.closeAfterFlush = true
    }

    /// The tick's check of a stream past its `endsAt`: its token expired (end it with its event), its lifetime is
    /// up (end it with a `retry:`), or it was ended and its client has not read the rest in time (close it).
    func expire(_ connection: Connection, _ stream: StreamState) {
        if connection.closeAfterFlush {
            doomed.append(connection)
        } else if let frame = stream.endFrame {
            endForToken(connection, stream, frame)
        } else {
            endStream(connection, stream, retryMilliseconds: configuration.retryMilliseconds)
        }
    }

    /// When a stream opened at `now` ends: `maxStreamLifetime` less a uniform random part of the jitter, so the
    /// lifetime never exceeds the maximum and streams opened together (after a deploy) end spread over the
    /// jitter. `.max` when lifetimes are off.
    func streamDeadline(now: UInt64) -> UInt64 {
        guard let lifetime = configuration.maxStreamLifetime?.nanoseconds, lifetime > 0 else { return .max }
        let jitter = min(lifetime, configuration.maxStreamJitter?.nanoseconds ?? lifetime / 10)
        return now + lifetime - (jitter > 0 ? UInt64.random(in: 0...jitter, using: &random) : 0)
    }

    /// One stream's final `retry:` during a drain: uniform over the configured range.
    func drainRetry() -> Int {
        Int.random(in: configuration.drainRetryMilliseconds, using: &random)
    }
}
