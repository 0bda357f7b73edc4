import Glibc

/// Lingering close (RFC 9112 §9.6): a client may still be sending (a body we refused, pipelined requests) when
/// an answer ends the connection. Closing with unread bytes makes the kernel send a reset, which can destroy
/// the answer before the client reads it. So the hub shuts down its sending side, reads and discards for a
/// bounded time and byte count, and closes when the client does or a bound is reached.
extension EventLoop {
    /// The longest a connection lingers after its last answer.
    static let lingerNanoseconds: UInt64 = 5_000_000_000
    /// The most bytes discarded while lingering (a refused body twice the default `--max-body` and more).
    static let lingerBytes = 8 * 1024 * 1024

    /// The answer that ends the connection has been written: linger, or close at once when the client has
    /// already finished sending (EOF seen) or the connection is a stream (its client sends nothing).
    func closeAfterAnswer(_ connection: Connection) {
        guard connection.speaksHTTP, !connection.readClosed, running else {
            close(connection)
            return
        }
        // Sends our FIN after the answer: the client reads the answer and end of stream, then closes.
        guard Glibc.shutdown(connection.fd, Int32(SHUT_WR)) == 0 else {
            close(connection)
            return
        }
        connection.state = .lingering(
            until: MonotonicClock.now() + Self.lingerNanoseconds, bytesLeft: Self.lingerBytes)
        connection.closeAfterFlush = false
        connection.waitingForDrain = false
        connection.heldInput = []
        connection.wantsWritable = false
        updateInterest(connection)
    }

    /// Bytes that arrived while lingering are dropped; past the byte bound the connection closes.
    func discardWhileLingering(_ count: Int, on connection: Connection) {
        guard case .lingering(let until, let bytesLeft) = connection.state else { return }
        if count >= bytesLeft {
            close(connection)
        } else {
            connection.state = .lingering(until: until, bytesLeft: bytesLeft - count)
        }
    }
}
