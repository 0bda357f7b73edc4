import Broadcast
import Testing

/// The head and idle timeouts hold against clients that send just enough to look alive.
@Suite struct ConnectionTimeoutTests {
    /// Issue 8 item 12: `\r\n` every 200 ms used to reset both timeouts forever. RFC 9112 §2.2 lets a server
    /// ignore empty lines before a request line, but they are the request's first bytes: the head deadline runs
    /// from the first of them and later reads do not move it.
    @Test func bareCRLFsDoNotExtendTheHeadOrIdleTimeout() throws {
        try withHub({
            $0.headTimeout = .milliseconds(500)
            $0.idleTimeout = .seconds(3)
        }) { hub in
            let socket = try TestSocket(port: hub.port)
            let started = TestClock.now()
            // Bounded: 6 s of CRLFs at most, each followed by a bounded wait for the hub to close.
            while !socket.peerClosed && TestClock.now() - started < 6 {
                socket.send("\r\n")
                socket.readSome(timeout: 0.2)
            }
            let elapsed = TestClock.now() - started
            #expect(socket.peerClosed, "the connection was still open after 6 s of bare CRLFs")
            #expect(elapsed < 2.5, "closed after \(elapsed) s: later than the head timeout allows")
            #expect(try socket.readResponse(timeout: 1).status == 408)
        }
    }

    /// A request preceded by one empty line is still answered (RFC 9112 §2.2), and the connection stays idle
    /// afterwards rather than timing out as a request in progress.
    @Test func aRequestAfterAnEmptyLineIsAnsweredAndKeepsTheConnection() throws {
        try withHub({ $0.headTimeout = .milliseconds(300) }) { hub in
            let socket = try TestSocket(port: hub.port)
            socket.send("\r\nGET /health/ping HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try socket.readResponse().text == "pong\n")
            #expect(!socket.readSome(timeout: 0.8), "nothing more comes: no 408 for a finished request")
            #expect(!socket.peerClosed)
            #expect(try socket.exchange("GET", "/health/ping").status == 200)
        }
    }
}
