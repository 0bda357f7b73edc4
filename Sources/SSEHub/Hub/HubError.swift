/// Why the hub refused a publish or a subscription. Each case's message says what was wrong.
public enum HubError: Error, Sendable, CustomStringConvertible {
    case invalidChannel(String)
    case invalidEvent(String)
    case channelLimit(String)
    case relayFailed(String)

    public var description: String {
        switch self {
        case .invalidChannel(let message), .invalidEvent(let message), .channelLimit(let message),
            .relayFailed(let message):
            message
        }
    }

    public var httpError: HTTPError {
        switch self {
        case .invalidChannel(let message), .invalidEvent(let message): HTTPError(.badRequest, message)
        case .channelLimit(let message), .relayFailed(let message): HTTPError(.serviceUnavailable, message)
        }
    }
}
