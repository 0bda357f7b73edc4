extension EventLoop {
    /// Reads what arrived and answers every complete request in order (pipelining). Bounded per report so one
    /// busy client cannot hold the loop.
    func readable(_ connection: Connection) {
        for _ in 0..<4 {
            // Held (a deferred answer is out, or unsent answers passed their bound): leave the bytes in the
            // socket, so TCP pushes back.
            guard connection.wantsRead else { return }
            let count: Int
            do {
                switch try Socket.read(connection.fd, into: scratch) {
                case .processed(let read): count = read
                case .wouldBlock: return
                }
            } catch {
                close(connection)
                return
            }
            guard count > 0 else {
                // The peer closed its side: finish sending queued responses, then close.
                if connection.speaksHTTP && !connection.outbound.isEmpty {
                    // Half-closed: stop reading (EOF stays readable forever) but keep writing what is queued.
                    connection.closeAfterFlush = true
                    connection.readClosed = true
                    connection.wantsWritable = true
                    do {
                        try selector.reregister(fd: connection.fd, generation: connection.generation, interest: .write)
                    } catch {
                        close(connection)
                        return
                    }
                    markDirty(connection)
                } else {
                    close(connection)
                }
                return
            }
            if case .lingering = connection.state {
                discardWhileLingering(count, on: connection)
                continue
            }
            let now = MonotonicClock.now()
            connection.lastActivity = now
            // A stream's client has nothing more to say; what it sends is dropped unread.
            guard connection.speaksHTTP, !connection.closeAfterFlush else { continue }
            parse(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), for: connection, now: now)
            if count < scratch.count { return }
        }
    }

    func parse(_ input: UnsafeRawBufferPointer, for connection: Connection, now: UInt64) {
        var rest = input
        while !rest.isEmpty && connection.speaksHTTP && !connection.closeAfterFlush {
            if connection.pendingAnswer != nil || holdForBackpressure(connection) {
                // Pipelined requests wait until the deferred answer before them has gone out, or until the
                // answers before them have been sent.
                connection.heldInput.append(contentsOf: rest)
                return
            }
            if connection.requestStartedAt == nil { connection.requestStartedAt = now }
            let (consumed, outcome) = connection.parser.parse(rest)
            rest = UnsafeRawBufferPointer(rebasing: rest[consumed...])
            switch outcome {
            case .needMore:
                break
            case .expectContinue:
                enqueue(Frame(bytes: "HTTP/1.1 100 Continue\r\n\r\n".utf8), to: connection)
            case .request(let request):
                if configuration.accessLog {
                    noteAccess(request, startedAt: connection.requestStartedAt ?? now, on: connection)
                }
                connection.requestStartedAt = nil
                dispatch(request, on: connection)
            case .failure(let error):
                respond(error.response, to: connection, keepAlive: !error.closesConnection, head: false)
            }
        }
        if !connection.parser.isMidRequest { connection.requestStartedAt = nil }
        if connection.speaksHTTP { _ = holdForBackpressure(connection) }
    }

    /// A client may pipeline requests and never read (RFC 9112 §9.3.2): past `maxUnsentAnswerBytes` of unsent
    /// answers the connection stops reading, as nginx does, so the answers cannot pile up here without bound.
    /// Reading resumes when the queue drains (`flush`).
    private func holdForBackpressure(_ connection: Connection) -> Bool {
        guard connection.outbound.pendingBytes > configuration.maxUnsentAnswerBytes else { return false }
        if !connection.waitingForDrain {
            connection.waitingForDrain = true
            updateInterest(connection)
        }
        return true
    }

    /// Reading may go on: re-arms it and parses the requests that arrived while it was held.
    func resumeReading(_ connection: Connection) {
        updateInterest(connection)
        guard !connection.heldInput.isEmpty else { return }
        let held = connection.heldInput
        connection.heldInput = []
        held.withUnsafeBytes { parse($0, for: connection, now: MonotonicClock.now()) }
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        switch hub.action(for: request, loopIndex: handle.index, peer: connection.fd) {
        case .respond(let response, let keepAlive, let head):
            respond(response, to: connection, keepAlive: keepAlive, head: head)
        case .stream(let stream, let keepAlive):
            startStream(stream, on: connection, keepAlive: keepAlive)
        case .await(let start):
            awaitDeferred(start, for: request, on: connection)
        }
    }

    func respond(_ response: HTTPResponse, to connection: Connection, keepAlive: Bool, head: Bool) {
        metrics.countAnswer(status: response.status.code)
        // Draining: every answer is the connection's last (RFC 9112 §9.6 `Connection: close`).
        let keepAlive = keepAlive && !draining
        let bytes = response.serialized(keepAlive: keepAlive, date: clock.current, includeBody: !head)
        if configuration.accessLog { logAccess(status: response.status.code, bytes: bytes.count, on: connection) }
        enqueue(Frame(bytes: bytes), to: connection)
        if !keepAlive { connection.closeAfterFlush = true }
    }
}
