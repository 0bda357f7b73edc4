import SSEHub

/// One setting of the `hub` executable: its flag, its environment variable, its default and how to apply it.
struct HubSetting: Sendable {
    let flag: String
    let environment: String
    let placeholder: String
    let help: String
    let defaultValue: @Sendable (HubConfiguration) -> String
    /// Applies a value; returns what is wrong with it, or nil.
    let apply: @Sendable (inout HubConfiguration, String) -> String?
}

/// Every setting, in the order `--help` lists them. Each maps to a field of `HubConfiguration`.
enum HubSettings {
    static let all: [HubSetting] = [
        text("host", "HUB_HOST", "ADDRESS", "numeric address to listen on", \.host),
        integer("port", "HUB_PORT", "PORT", "TCP port (0: any free port)", \.port, 0...65535),
        integer("loops", "HUB_LOOPS", "N", "event-loop threads (default: one per core)", \.loops, 1...256),
        integer(
            "retry", "HUB_RETRY_MS", "MS", "reconnect delay sent as retry: at stream start", \.retryMilliseconds,
            0...3_600_000),
        duration("keepalive", "HUB_KEEPALIVE", "SECONDS", "comment sent to streams idle this long", \.keepalive),
        integer(
            "replay", "HUB_REPLAY", "N", "events kept per channel for Last-Event-ID resume", \.replayEvents,
            0...1_000_000),
        integer(
            "high-water", "HUB_HIGH_WATER", "BYTES", "unsent bytes at which a slow subscriber is dropped",
            \.highWaterBytes, 1024...(1 << 30)),
        integer(
            "max-head", "HUB_MAX_HEAD", "BYTES", "largest request head (431 above)", \.maxHeadBytes, 512...(1 << 20)),
        integer("max-body", "HUB_MAX_BODY", "BYTES", "largest request body (413 above)", \.maxBodyBytes, 0...(1 << 30)),
        integer(
            "max-channel-name", "HUB_MAX_CHANNEL_NAME", "BYTES", "longest channel name", \.maxChannelNameBytes, 1...1024
        ),
        integer(
            "max-stream-channels", "HUB_MAX_STREAM_CHANNELS", "N", "channels one stream or publish may name",
            \.maxChannelsPerStream, 1...10_000),
        integer(
            "max-channels", "HUB_MAX_CHANNELS", "N", "channels held; idle ones are evicted past it", \.maxChannels,
            1...10_000_000),
        duration("head-timeout", "HUB_HEAD_TIMEOUT", "SECONDS", "time allowed to receive a request", \.headTimeout),
        duration(
            "idle-timeout", "HUB_IDLE_TIMEOUT", "SECONDS", "idle keep-alive connections close after this", \.idleTimeout
        ),
        HubSetting(
            flag: "publish-token", environment: "HUB_PUBLISH_TOKEN", placeholder: "TOKEN",
            help: "require Authorization: Bearer TOKEN on POST /broadcast",
            defaultValue: { $0.publishToken == nil ? "none" : "set" },
            apply: { configuration, value in
                guard !value.isEmpty else { return "must not be empty" }
                configuration.publishToken = value
                return nil
            }),
    ]

    private static func text(
        _ flag: String, _ environment: String, _ placeholder: String, _ help: String,
        _ field: WritableKeyPath<HubConfiguration, String> & Sendable
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: placeholder, help: help,
            defaultValue: { $0[keyPath: field] },
            apply: { configuration, value in
                guard !value.isEmpty else { return "must not be empty" }
                configuration[keyPath: field] = value
                return nil
            })
    }

    private static func integer(
        _ flag: String, _ environment: String, _ placeholder: String, _ help: String,
        _ field: WritableKeyPath<HubConfiguration, Int> & Sendable, _ range: ClosedRange<Int>
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: placeholder, help: help,
            defaultValue: { String($0[keyPath: field]) },
            apply: { configuration, value in
                guard let number = Int(value), range.contains(number) else {
                    return "expects a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(value)\""
                }
                configuration[keyPath: field] = number
                return nil
            })
    }

    private static func duration(
        _ flag: String, _ environment: String, _ placeholder: String, _ help: String,
        _ field: WritableKeyPath<HubConfiguration, Duration> & Sendable
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: placeholder, help: help,
            defaultValue: { Self.seconds($0[keyPath: field]) },
            apply: { configuration, value in
                guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
                    return "expects seconds above 0 and at most 86400 (fractions allowed), got \"\(value)\""
                }
                configuration[keyPath: field] = .milliseconds(Int64((seconds * 1000).rounded()))
                return nil
            })
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = attoseconds / 1_000_000_000_000_000
        return millis == 0 ? "\(seconds)" : "\(Double(seconds) + Double(millis) / 1000)"
    }
}
