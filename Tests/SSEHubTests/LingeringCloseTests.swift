import Broadcast
import Glibc
import Testing

/// Issue 8 item 10: a client that sends its whole body before reading (Python's urllib) used to get ECONNRESET
/// or EPIPE instead of the 413: the hub closed with the rest of the body unread, so the kernel reset the
/// connection. Now an answer that ends a connection is followed by a lingering close (RFC 9112 §9.6): 5 s and
/// 8 MiB at most.
@Suite struct LingeringCloseTests {
    static func head(length: Int) -> String {
        "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(length)\r\n\r\n"
    }

    @Test func aBodyFirstClientGetsThe413AfterSendingItsWholeBody() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            // A small send buffer stands in for a slower path than loopback: the body is still on its way when
            // the hub answers, as it was for urllib.
            var sendBuffer: Int32 = 64 * 1024
            setsockopt(socket.fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
            let length = 6 * 1024 * 1024
            var bytes = Array(Self.head(length: length).utf8)[...] + [UInt8](repeating: 0x61, count: length)[...]
            let sent = socket.sendAll(&bytes, timeout: 20)
            #expect(sent == nil, "sending the body failed with errno \(sent ?? 0)")
            let response = try socket.readResponse(timeout: 10)
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(socket.waitForClose(timeout: 10), "the hub ends the connection after its answer")
        }
    }

    /// A client that never stops sending after the answer is cut off once the byte bound is discarded.
    @Test func lingeringStopsAtItsByteBound() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            var head = Array(Self.head(length: 1 << 30).utf8)[...]
            #expect(socket.sendAll(&head, timeout: 5) == nil)
            #expect(try socket.readResponse().status == 413)
            let chunk = [UInt8](repeating: 0x62, count: 1024 * 1024)
            var total = 0
            var failed: Int32?
            // Bounded: 64 MiB at most, far past the 8 MiB the hub discards.
            while failed == nil && total < 64 * 1024 * 1024 {
                var slice = chunk[...]
                failed = socket.sendAll(&slice, timeout: 10)
                total += chunk.count - slice.count
            }
            #expect(failed == ECONNRESET || failed == EPIPE, "still accepted \(total) bytes after the answer")
            #expect(total < 32 * 1024 * 1024)
        }
    }

    /// A client that trickles bytes after the answer is cut off once the time bound passes.
    @Test func lingeringStopsAtItsTimeBound() throws {
        try withHub { hub in
            let socket = try TestSocket(port: hub.port)
            var head = Array(Self.head(length: 1 << 30).utf8)[...]
            #expect(socket.sendAll(&head, timeout: 5) == nil)
            #expect(try socket.readResponse().status == 413)
            let started = TestClock.now()
            var failed: Int32?
            // One byte per 200 ms, for 12 s at most: the pause paces the client, it synchronises nothing.
            while failed == nil && TestClock.now() - started < 12 {
                var byte = [UInt8(0x63)][...]
                failed = socket.sendAll(&byte, timeout: 1)
                _ = poll(nil, 0, 200)
            }
            let elapsed = TestClock.now() - started
            #expect(failed != nil, "the hub still took bytes after 12 s")
            #expect(elapsed > 4 && elapsed < 8, "cut off after \(elapsed) s; the bound is 5 s")
        }
    }
}

extension TestSocket {
    /// Sends everything, waiting for room up to `timeout` seconds in all. Returns nil when all went, else the
    /// errno of the failed send (ETIMEDOUT when time ran out).
    func sendAll(_ bytes: inout ArraySlice<UInt8>, timeout: Double) -> Int32? {
        let deadline = TestClock.now() + timeout
        while !bytes.isEmpty {
            let left = deadline - TestClock.now()
            guard left > 0 else { return ETIMEDOUT }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000) + 1) > 0 else { continue }
            let written = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if written < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return errno
            }
            bytes.removeFirst(written)
        }
        return nil
    }
}
