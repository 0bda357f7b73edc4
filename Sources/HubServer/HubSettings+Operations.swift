import Broadcast

/// The settings of graceful operations: the SIGTERM drain, the maximum stream lifetime, and the logs.
extension HubSettings {
    static let operations: [HubSetting] = [
        secondsSetting(
            "drain-seconds", "HUB_DRAIN_SECONDS", "the whole drain after SIGTERM; what is still open then is closed",
            \.hub.drainWindow, allowsZero: false),
        secondsSetting(
            "drain-grace-seconds", "HUB_DRAIN_GRACE_SECONDS",
            "after SIGTERM, readiness is 503 this long before accepting stops and streams end",
            \.hub.drainGrace, allowsZero: true),
        milliseconds(
            "drain-retry-min", "HUB_DRAIN_RETRY_MIN_MS", "least retry: sent to a stream the drain ends",
            \.drainRetryMin),
        milliseconds(
            "drain-retry-max", "HUB_DRAIN_RETRY_MAX_MS",
            "most retry: sent to a stream the drain ends (uniform between)",
            \.drainRetryMax),
        HubSetting(
            flag: "max-stream-seconds", environment: "HUB_MAX_STREAM_SECONDS", placeholder: "SECONDS",
            help: "end a stream with a retry: hint after this long, less jitter (0: never)",
            defaultValue: { $0.hub.maxStreamLifetime.map(Self.seconds) ?? "0" },
            apply: { configuration, value in
                guard let duration = parseSeconds(value, allowsZero: true) else { return secondsProblem(value) }
                configuration.hub.maxStreamLifetime = duration == .zero ? nil : duration
                return nil
            }),
        HubSetting(
            flag: "max-stream-jitter", environment: "HUB_MAX_STREAM_JITTER", placeholder: "SECONDS",
            help: "each stream's lifetime is the maximum less a random part of this",
            defaultValue: { $0.hub.maxStreamJitter.map(Self.seconds) ?? "a tenth of max-stream-seconds" },
            apply: { configuration, value in
                guard let duration = parseSeconds(value, allowsZero: true) else { return secondsProblem(value) }
                configuration.hub.maxStreamJitter = duration
                return nil
            }),
        HubSetting(
            flag: "log-format", environment: "HUB_LOG_FORMAT", placeholder: "text|json",
            help: "log lines as text, or as one JSON object per line (time, level, source, message, fields)",
            defaultValue: { $0.logFormat.rawValue },
            apply: { configuration, value in
                guard let format = Log.Format(rawValue: value) else { return "expects text or json, got \"\(value)\"" }
                configuration.logFormat = format
                return nil
            }),
        HubSetting(
            flag: "access-log", environment: "HUB_ACCESS_LOG", placeholder: "",
            help: "log each publish and each refused request (no query, no headers)",
            defaultValue: { $0.hub.accessLog ? "on" : "off" },
            apply: { configuration, value in
                switch value.lowercased() {
                case "1", "true", "yes", "on": configuration.hub.accessLog = true
                case "0", "false", "no", "off": configuration.hub.accessLog = false
                default: return "expects 1 or 0 (true or false), got \"\(value)\""
                }
                return nil
            }, isSwitch: true),
    ]

    /// The checks that concern two settings at once, made when all are read; nil when they agree.
    static func checkOperations(_ configuration: inout ServerConfiguration) -> String? {
        guard configuration.drainRetryMin <= configuration.drainRetryMax else {
            return "--drain-retry-min: \(configuration.drainRetryMin) is above --drain-retry-max "
                + "(\(configuration.drainRetryMax))"
        }
        configuration.hub.drainRetryMilliseconds = configuration.drainRetryMin...configuration.drainRetryMax
        guard configuration.hub.drainGrace < configuration.hub.drainWindow else {
            return
                "--drain-grace-seconds: must be less than --drain-seconds (\(seconds(configuration.hub.drainWindow)))"
        }
        if let lifetime = configuration.hub.maxStreamLifetime, let jitter = configuration.hub.maxStreamJitter,
            jitter >= lifetime
        {
            return "--max-stream-jitter: must be less than --max-stream-seconds (\(seconds(lifetime)))"
        }
        return nil
    }

    private static func secondsSetting(
        _ flag: String, _ environment: String, _ help: String,
        _ field: WritableKeyPath<ServerConfiguration, Duration> & Sendable, allowsZero: Bool
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: "SECONDS", help: help,
            defaultValue: { Self.seconds($0[keyPath: field]) },
            apply: { configuration, value in
                guard let duration = parseSeconds(value, allowsZero: allowsZero) else {
                    return secondsProblem(value, allowsZero: allowsZero)
                }
                configuration[keyPath: field] = duration
                return nil
            })
    }

    private static func milliseconds(
        _ flag: String, _ environment: String, _ help: String,
        _ field: WritableKeyPath<ServerConfiguration, Int> & Sendable
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: "MS", help: help,
            defaultValue: { String($0[keyPath: field]) },
            apply: { configuration, value in
                // WHATWG HTML §9.2.6: a retry field is ASCII digits only, so no sign and no fraction.
                guard let number = Int(value), (0...3_600_000).contains(number), !value.hasPrefix("+") else {
                    return "expects a whole number of milliseconds from 0 to 3600000, got \"\(value)\""
                }
                configuration[keyPath: field] = number
                return nil
            })
    }

    private static func parseSeconds(_ value: String, allowsZero: Bool) -> Duration? {
        guard let seconds = Double(value), seconds.isFinite, allowsZero ? seconds >= 0 : seconds > 0,
            seconds <= 86_400
        else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    private static func secondsProblem(_ value: String, allowsZero: Bool = true) -> String {
        "expects seconds \(allowsZero ? "from 0" : "above 0") to 86400 (fractions allowed), got \"\(value)\""
    }
}
