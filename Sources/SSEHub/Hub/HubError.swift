/// Why the hub refused a publish or a subscription. Each case's message says what was wrong.
public enum HubError: Error, Sendable, CustomStringConvertible {
    /// A channel name breaks the channel-name rule, none was given, or too many were (400 over HTTP).
    case invalidChannel(String)
    /// The event name holds CR, LF or NUL (400 over HTTP).
    case invalidEvent(String)
    /// The hub holds `maxChannels` channels with subscribers and cannot make another (503 over HTTP).
    case channelLimit(String)
    /// Redis did not confirm a broadcast in time (503 over HTTP).
    case relayFailed(String)

    /// The message, saying what was wrong.
    public var description: String {
        switch self {
        case .invalidChannel(let message), .invalidEvent(let message), .channelLimit(let message),
            .relayFailed(let message):
            message
        }
    }

    /// The answer a route gives for this error (the router uses it when a handler throws a `HubError`).
    public var httpError: HTTPError {
        switch self {
        case .invalidChannel(let message), .invalidEvent(let message): HTTPError(.badRequest, message)
        case .channelLimit(let message), .relayFailed(let message): HTTPError(.serviceUnavailable, message)
        }
    }
}
