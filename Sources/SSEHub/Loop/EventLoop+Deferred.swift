extension EventLoop {
    /// Starts a deferred answer. Until it comes the connection reads nothing more, so pipelined answers stay in
    /// request order (RFC 9112 §9.3.2); the tick answers 503 if it takes longer than the head timeout.
    func awaitDeferred(
        _ start: @Sendable (_ answer: @escaping @Sendable (DeferredAnswer) -> Void) -> Void,
        for request: HTTPRequest, on connection: Connection
    ) {
        connection.deferredCount &+= 1
        let ticket = connection.deferredCount
        connection.pendingAnswer = Connection.PendingAnswer(
            ticket: ticket, since: MonotonicClock.now(), keepAlive: request.keepAlive,
            head: request.method == "HEAD")
        updateInterest(connection)
        let (handle, fd, generation) = (self.handle, connection.fd, connection.generation)
        start { answer in
            handle.send(.respond(fd: fd, generation: generation, ticket: ticket, answer: answer))
        }
    }

    /// A deferred answer arrived. One for a closed connection, or for a request already answered 503, is
    /// dropped: the ticket names the request it answers.
    func deliverDeferred(fd: Int32, generation: UInt32, ticket: UInt64, answer: DeferredAnswer) {
        guard let connection = connection(for: fd), connection.generation == generation,
            let pending = connection.pendingAnswer, pending.ticket == ticket
        else { return }
        switch answer {
        case .response(let response):
            finishDeferred(connection, with: response)
        case .eventStream where pending.head:
            var head = HTTPResponse(
                status: .ok, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])
            head.declaresLength = false
            finishDeferred(connection, with: head)
        case .eventStream(let stream):
            // The connection becomes a stream: whatever was pipelined after the request is never answered.
            connection.pendingAnswer = nil
            startStream(stream, on: connection, keepAlive: pending.keepAlive)
            updateInterest(connection)
        }
    }

    /// The tick's check: a deferred answer older than the head timeout becomes a 503 (the handler may still
    /// complete; `deliverDeferred` then drops it).
    func expireDeferred(_ connection: Connection, now: UInt64) {
        guard let pending = connection.pendingAnswer, now > pending.since,
            now - pending.since >= configuration.headTimeout.nanoseconds
        else { return }
        let error = HTTPError(
            .serviceUnavailable, "no answer within \(configuration.headTimeout) (the head timeout); try again")
        finishDeferred(connection, with: error.response)
    }

    /// Sends the answer, then carries on with held pipelined requests and reading.
    private func finishDeferred(_ connection: Connection, with response: HTTPResponse) {
        guard let pending = connection.pendingAnswer else { return }
        connection.pendingAnswer = nil
        respond(response, to: connection, keepAlive: pending.keepAlive, head: pending.head)
        resumeReading(connection)
    }
}
