/// Streams that end by themselves at a set time (a JWT's expiry): the loop's tick sends the stream's named
/// event and closes it once the event is written. Checked by the tick (at least once a second) rather than a
/// timer per stream: one compare per stream that is visited anyway.
extension EventLoop {
    /// Records when `stream` ends: `end.at` is wall-clock time, turned into the loop's monotonic clock now, so a
    /// later change of the wall clock does not move it.
    func scheduleEnd(_ end: StreamEnd, of stream: StreamState) {
        let left = max(0, end.at - JWTVerifier.now())
        let nanoseconds = left >= 1e9 ? UInt64(1e18) : UInt64(left * 1e9)
        stream.endsAt = MonotonicClock.now() + nanoseconds
        let data = JSONValue.object([("reason", .string(end.reason))]).serialized()
        stream.endFrame = Frame(bytes: EventEncoder.encode(id: nil, event: end.event, data: data))
    }

    /// Sends the stream's end event after what is queued, then closes (WHATWG HTML §9.2: the page's
    /// EventSource sees the event, then the end of the stream).
    func endStream(_ connection: Connection, _ stream: StreamState) {
        stream.endsAt = nil
        guard !connection.closeAfterFlush else { return }
        if let frame = stream.endFrame, stream.pendingFetches == 0 { enqueue(frame, to: connection) }
        connection.closeAfterFlush = true
        markDirty(connection)
    }
}
