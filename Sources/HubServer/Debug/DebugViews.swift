import Broadcast
import DemoApp

/// The debug page's template contexts, from the hub's own numbers (`GET /health`, the channel table).
enum DebugViews {
    /// The hub's totals: connections, streams, channels, subscribers, events, and the broker's state.
    static func totals(_ hub: Hub) -> TemplateValue {
        guard case .object(let members) = hub.health() else { return .null }
        var values: [String: TemplateValue] = [:]
        for (name, value) in members {
            switch value {
            case .number(let number): values[name] = .number(number)
            case .string(let text): values[name] = .string(text)
            case .object(let inner) where name == "redis":
                values["redis"] = .object(
                    Dictionary(inner.compactMap { key, value in value.templateValue.map { (key, $0) } }) { a, _ in a })
            default: break
            }
        }
        return .object(values)
    }

    /// One channel's row or panel.
    static func channel(_ stats: ChannelStats) -> TemplateValue {
        let now = MonotonicClock.now()
        let ago = stats.lastPublishedAt == 0 ? nil : Double((now &- stats.lastPublishedAt) / 1_000_000) / 1000
        return .object([
            "name": .string(stats.name),
            "subscribers": .number(Double(stats.subscribers)),
            "eventsPublished": .number(Double(stats.eventsPublished)),
            "lastEventId": stats.lastEventID.map { .string($0.description) } ?? .null,
            "lastPublishAgo": ago.map { .string(String(format1: $0)) } ?? .null,
            "replayEvents": .number(Double(stats.replayEvents)),
            "replayCapacity": .number(Double(stats.replayCapacity)),
            "replayBytes": .number(Double(stats.replayBytes)),
        ])
    }
}

extension JSONValue {
    fileprivate var templateValue: TemplateValue? {
        switch self {
        case .number(let number): .number(number)
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        default: nil
        }
    }
}

extension String {
    /// `value` with one decimal (seconds ago, for people).
    fileprivate init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
