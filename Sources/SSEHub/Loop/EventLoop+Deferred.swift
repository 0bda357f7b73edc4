extension EventLoop {
    /// Starts a deferred answer. Until it comes the connection reads nothing more, so pipelined answers stay in
    /// request order (RFC 9112 §9.3.2); the tick answers 503 if it takes longer than the head timeout.
    func awaitDeferred(
        _ start: @Sendable (_ respond: @escaping @Sendable (HTTPResponse) -> Void) -> Void,
        for request: HTTPRequest, on connection: Connection
    ) {
        connection.deferredCount &+= 1
        let ticket = connection.deferredCount
        connection.pendingAnswer = Connection.PendingAnswer(
            ticket: ticket, since: MonotonicClock.now(), keepAlive: request.keepAlive,
            head: request.method == "HEAD")
        updateInterest(connection)
        let (handle, fd, generation) = (self.handle, connection.fd, connection.generation)
        start { response in
            handle.send(.respond(fd: fd, generation: generation, ticket: ticket, response: response))
        }
    }

    /// A deferred answer arrived. One for a closed connection, or for a request already answered 503, is
    /// dropped: the ticket names the request it answers.
    func deliverDeferred(fd: Int32, generation: UInt32, ticket: UInt64, response: HTTPResponse) {
        guard let connection = connection(for: fd), connection.generation == generation,
            connection.pendingAnswer?.ticket == ticket
        else { return }
        finishDeferred(connection, with: response)
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
