/// Streams that end by themselves at a set time (a JWT's expiry): the loop's tick sends the stream's named
/// event and closes it once the event is written. Checked by the tick (at least once a second) rather than a
/// timer per stream: one compare per stream that is visited anyway.
extension EventLoop {
    /// When `stream` ends for its token, if that comes before `lifetimeEnd`: `end.at` is wall-clock time, turned
    /// into the loop's monotonic clock now, so a later change of the wall clock does not move it. The stream then
    /// carries the event it ends with (`endFrame`); nil (and no event) when the lifetime ends it first.
    func scheduleEnd(_ end: StreamEnd, of stream: StreamState, before lifetimeEnd: UInt64) -> UInt64? {
        let left = max(0, end.at - JWTVerifier.now())
        let nanoseconds = left >= 1e9 ? UInt64(1e18) : UInt64(left * 1e9)
        let endsAt = MonotonicClock.now() + nanoseconds
        guard endsAt < lifetimeEnd else { return nil }
        let data = JSONValue.object([("reason", .string(end.reason))]).serialized()
        stream.endFrame = Frame(bytes: EventEncoder.encode(id: nil, event: end.event, data: data))
        return endsAt
    }

    /// Sends the stream's end event after what is queued, then closes once it is written (WHATWG HTML §9.2: the
    /// page's EventSource sees the event, then the end of the stream). No `retry:`: the event says why, and a
    /// reconnect with the same token is refused anyway. A client that does not read the rest is closed by the
    /// tick after the linger bound.
    func endForToken(_ connection: Connection, _ stream: StreamState, _ frame: Frame) {
        guard !connection.closeAfterFlush, !connection.isClosed else { return }
        stream.endFrame = nil
        connection.state = .stream(stream, endsAt: MonotonicClock.now() + Self.lingerNanoseconds)
        // Even while history is being fetched (it is dropped once the stream is closing): the page must learn why
        // the stream ended, or its EventSource meets a 401 on reconnect and gives up without a word.
        enqueue(frame, to: connection)
        connection.closeAfterFlush = true
        markDirty(connection)
    }
}
