/// What a connection does next with a request or with a deferred answer. Decided here, above the loop: the
/// loop only carries it out (queue bytes, open a stream, wait), so HTTP semantics live in one place.
enum ConnectionAction {
    /// Send this answer; `head`: its head only (RFC 9110 §9.3.2).
    case respond(HTTPResponse, keepAlive: Bool, head: Bool)
    /// Become an event stream.
    case stream(StreamRequest, keepAlive: Bool)
    /// Read nothing more until the answer comes (pipelined answers stay in order, RFC 9112 §9.3.2).
    case await(@Sendable (_ answer: @escaping @Sendable (DeferredAnswer) -> Void) -> Void)
}

extension Hub {
    /// Routes `request` and says what its connection does.
    func action(for request: HTTPRequest, loopIndex: Int, peer: Int32) -> ConnectionAction {
        let head = request.method == "HEAD"
        switch router.route(request, hub: self, loopIndex: loopIndex, peer: peer) {
        case .response(let response):
            return .respond(response, keepAlive: request.keepAlive, head: head)
        case .eventStream(let stream):
            return action(for: .eventStream(stream), keepAlive: request.keepAlive, head: head)
        case .deferred(let start):
            return .await { answer in start { answer(.response($0)) } }
        case .deferredAnswer(let start):
            return .await(start)
        }
    }

    /// What a connection does with an answer that was awaited (or came at once as a stream). A stream an
    /// app's route built itself is held to the channel rule like the hub's own `/events` (400 otherwise).
    func action(for answer: DeferredAnswer, keepAlive: Bool, head: Bool) -> ConnectionAction {
        if case .eventStream(let stream) = answer {
            do {
                _ = try validatedChannels(stream.channels)
            } catch {
                return .respond(error.httpError.response, keepAlive: keepAlive, head: head)
            }
        }
        switch answer {
        case .response(let response):
            return .respond(response, keepAlive: keepAlive, head: head)
        case .eventStream(let stream) where head:
            // HEAD describes the stream without opening it (RFC 9110 §9.3.2).
            var response = HTTPResponse(
                status: .ok,
                headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")] + stream.headers)
            response.declaresLength = false
            return .respond(response, keepAlive: keepAlive, head: true)
        case .eventStream(let stream):
            return .stream(stream, keepAlive: keepAlive)
        }
    }
}
