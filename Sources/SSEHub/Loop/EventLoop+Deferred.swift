extension EventLoop {
    /// Starts a deferred answer. Until it comes the connection reads nothing more, so pipelined answers stay in
    /// request order (RFC 9112 §9.3.2); the tick answers 503 if it takes longer than the head timeout.
    func awaitDeferred(
        _ start: @Sendable (_ answer: @escaping @Sendable (DeferredAnswer) -> Void) -> Void,
        for request: HTTPRequest, on connection: Connection
    ) {
        connection.deferredCount &+= 1
        let ticket = connection.deferredCount
        connection.state = .awaitingAnswer(
            Connection.PendingAnswer(
                ticket: ticket, since: MonotonicClock.now(), keepAlive: request.keepAlive,
                head: request.method == "HEAD"))
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
        switch hub.action(for: answer, keepAlive: pending.keepAlive, head: pending.head) {
        case .respond(let response, _, _):
            finishDeferred(connection, with: response)
        case .stream(let stream, let keepAlive):
            // The connection becomes a stream: whatever was pipelined after the request is never answered.
            connection.state = .http
            startStream(stream, on: connection, keepAlive: keepAlive)
            updateInterest(connection)
        case .await:
            break  // an answer is never another wait
        }
    }

    /// The tick's check: a deferred answer older than the head timeout becomes a 503 (the handler may still
    /// complete; `deliverDeferred` then drops it).
    func expireDeferred(_ connection: Connection, _ pending: Connection.PendingAnswer, now: UInt64) {
        guard now > pending.since,
            now - pending.since >= configuration.headTimeout.nanoseconds
        else { return }
        let error = HTTPError(
            .serviceUnavailable, "no answer within \(configuration.headTimeout) (the head timeout); try again")
        finishDeferred(connection, with: error.response)
    }

    /// Sends the answer, then carries on with held pipelined requests and reading.
    private func finishDeferred(_ connection: Connection, with response: HTTPResponse) {
        guard let pending = connection.pendingAnswer else { return }
        connection.state = .http
        respond(response, to: connection, keepAlive: pending.keepAlive, head: pending.head)
        resumeReading(connection)
    }
}
