extension EventLoop {
    static let keepaliveFrame = Frame(bytes: EventEncoder.keepalive)

    /// The loop's one periodic timer: keepalive comments for idle streams, and the head and idle timeouts of
    /// HTTP connections. One pass over the loop's connections instead of a timer per connection.
    func tick(now: UInt64) {
        let keepalive = configuration.keepalive.nanoseconds
        let headTimeout = configuration.headTimeout.nanoseconds
        // Draining: a keep-alive connection quiet for a moment is closed, so it does not hold the drain open.
        let idleTimeout =
            draining
            ? min(configuration.idleTimeout.nanoseconds, Self.drainIdleNanoseconds)
            : configuration.idleTimeout.nanoseconds
        for case let connection? in connections {
            switch connection.state {
            case .stream(let stream, let endsAt):
                if now >= endsAt {
                    expire(connection, stream)
                    continue
                }
                // Only streams with nothing sent for the whole interval: busy ones need no comment.
                if now - stream.lastQueuedAt >= keepalive && connection.outbound.isEmpty {
                    stream.lastQueuedAt = now
                    metrics.keepalives += 1
                    enqueue(Self.keepaliveFrame, to: connection)
                }
            case .awaitingAnswer(let pending):
                // Waiting for a deferred answer is not idleness: it gets its own deadline, and a 503.
                expireDeferred(connection, pending, now: now)
            case .http:
                if let started = connection.requestStartedAt, now - started >= headTimeout {
                    // Too slow to send its request: answer 408 and close (slowloris defence).
                    connection.requestStartedAt = nil
                    connection.parser = HTTPRequestParser(limits: configuration.parserLimits)
                    respond(
                        HTTPError(.requestTimeout, "request was not received within the head timeout").response,
                        to: connection, keepAlive: false, head: false)
                } else if connection.requestStartedAt == nil && connection.outbound.isEmpty
                    && now - connection.lastActivity >= idleTimeout
                {
                    doomed.append(connection)
                }
            case .lingering(let until, _):
                if now >= until { doomed.append(connection) }
            case .closed:
                break
            }
        }
        closeDoomed()
        if acceptPaused { resumeAccepting() }
        drainInbox(resettingCounter: true)
    }
}
