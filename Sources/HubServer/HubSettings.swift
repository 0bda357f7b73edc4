import Broadcast
import DemoApp

/// What the executable is configured with: the hub's settings and its own.
struct ServerConfiguration {
    var hub = HubConfiguration()
    var webRoot = "web"
    /// nil: `<web-root>/templates` if that folder exists.
    var templates: String?
    /// The Redis shared by a group of hubs (nil: this hub runs alone).
    var redis: RedisAddress?
    var redisPrefix = "ssehub:"
    var redisTimings = RedisTimings()
    /// The demo site's store and cookies.
    var demo = DemoSettings()
    // Graceful operations (HubSettings+Operations): the drain's retry range, checked as a pair once all are read.
    var drainRetryMin = 1000
    var drainRetryMax = 5000
    var logFormat = Log.Format.text
}

/// One setting of the `hub` executable: its flag, its environment variable, its default and how to apply it.
struct HubSetting: Sendable {
    let flag: String
    let environment: String
    let placeholder: String
    let help: String
    let defaultValue: @Sendable (ServerConfiguration) -> String
    /// Applies a value; returns what is wrong with it, or nil.
    let apply: @Sendable (inout ServerConfiguration, String) -> String?
    /// A switch: `--flag` alone means true.
    var isSwitch = false
    /// A repeatable flag's reset: the first use of the flag clears what the environment gave (the flag wins).
    var reset: (@Sendable (inout ServerConfiguration) -> Void)?
}

/// Every setting, in the order `--help` lists them. Each maps to a field of `ServerConfiguration`.
enum HubSettings {
    static let all: [HubSetting] = core + access + operations

    static let core: [HubSetting] = [
        text("host", "HUB_HOST", "ADDRESS", "numeric address to listen on", \.hub.host),
        integer("port", "HUB_PORT", "PORT", "TCP port (0: any free port)", \.hub.port, 0...65535),
        integer("loops", "HUB_LOOPS", "N", "event-loop threads (default: one per core)", \.hub.loops, 1...256),
        integer(
            "retry", "HUB_RETRY_MS", "MS", "reconnect delay sent as retry: at stream start", \.hub.retryMilliseconds,
            0...3_600_000),
        duration("keepalive", "HUB_KEEPALIVE", "SECONDS", "comment sent to streams idle this long", \.hub.keepalive),
        integer(
            "replay", "HUB_REPLAY", "N", "events kept per channel for Last-Event-ID resume", \.hub.replayEvents,
            0...1_000_000),
        integer(
            "max-rendered", "HUB_MAX_RENDERED", "BYTES", "most bytes one rendered template may produce (413 above)",
            \.hub.maxRenderedBytes, 1...(1 << 30)),
        integer(
            "replay-bytes", "HUB_REPLAY_BYTES", "BYTES", "bytes of events kept per channel for resume",
            \.hub.replayBytesPerChannel, 0...(1 << 40)),
        integer(
            "replay-total-bytes", "HUB_REPLAY_TOTAL_BYTES", "BYTES",
            "bytes of events kept for resume across all channels (oldest go first)", \.hub.replayBytesTotal,
            0...(1 << 40)),
        integer(
            "high-water", "HUB_HIGH_WATER", "BYTES", "unsent bytes at which a slow subscriber is dropped",
            \.hub.highWaterBytes, 1024...(1 << 30)),
        HubSetting(
            flag: "coalesce-prefix", environment: "HUB_COALESCE_PREFIXES", placeholder: "PREFIX",
            help: "channels named so coalesce: a lagging subscriber keeps the newest event of each key (repeatable)",
            defaultValue: { $0.hub.coalescePrefixes.isEmpty ? "none" : $0.hub.coalescePrefixes.joined(separator: ",") },
            apply: { configuration, value in
                let prefixes = value.split(separator: ",").map(String.init)
                for prefix in prefixes {
                    // A prefix no channel name can start with would silently coalesce nothing.
                    if let problem = ChannelName.validate(prefix, maxLength: configuration.hub.maxChannelNameBytes) {
                        return "prefix \"\(prefix)\": \(problem)"
                    }
                }
                guard !prefixes.isEmpty else { return "must not be empty" }
                configuration.hub.coalescePrefixes += prefixes
                return nil
            }, reset: { $0.hub.coalescePrefixes = [] }),
        integer(
            "max-unsent", "HUB_MAX_UNSENT", "BYTES",
            "unsent answer bytes past which a connection is not read until they drain", \.hub.maxUnsentAnswerBytes,
            1024...(1 << 30)),
        integer(
            "max-head", "HUB_MAX_HEAD", "BYTES", "largest request head (431 above)", \.hub.maxHeadBytes, 512...(1 << 20)
        ),
        integer(
            "max-body", "HUB_MAX_BODY", "BYTES", "largest request body (413 above)", \.hub.maxBodyBytes, 0...(1 << 30)),
        integer(
            "max-channel-name", "HUB_MAX_CHANNEL_NAME", "BYTES", "longest channel name", \.hub.maxChannelNameBytes,
            1...1024
        ),
        integer(
            "max-stream-channels", "HUB_MAX_STREAM_CHANNELS", "N", "channels one stream or publish may name",
            \.hub.maxChannelsPerStream, 1...10_000),
        integer(
            "max-channels", "HUB_MAX_CHANNELS", "N", "channels held; idle ones are evicted past it", \.hub.maxChannels,
            1...10_000_000),
        duration(
            "head-timeout", "HUB_HEAD_TIMEOUT", "SECONDS", "time allowed to receive a request, and to answer one (503)",
            \.hub.headTimeout),
        duration(
            "idle-timeout", "HUB_IDLE_TIMEOUT", "SECONDS", "idle keep-alive connections close after this",
            \.hub.idleTimeout
        ),
        secret(
            "publish-token", "HUB_PUBLISH_TOKEN", "require Authorization: Bearer TOKEN on POST /broadcast",
            \.hub.publishToken, unset: "none"),
        secret(
            "admin-token", "HUB_ADMIN_TOKEN",
            "turn on GET /channels and require Authorization: Bearer TOKEN there and on GET /metrics",
            \.hub.adminToken, unset: "none (/channels off, /metrics open)"),
        text("web-root", "HUB_WEB_ROOT", "DIR", "folder whose static/ holds the demo page", \.webRoot),
        HubSetting(
            flag: "templates", environment: "HUB_TEMPLATES", placeholder: "DIR",
            help: "templates for rendered broadcasts", defaultValue: { $0.templates ?? "WEB_ROOT/templates" },
            apply: { configuration, value in
                guard !value.isEmpty else { return "must not be empty" }
                configuration.templates = value
                return nil
            }),
        HubSetting(
            flag: "redis", environment: "HUB_REDIS_URL", placeholder: "URL",
            help: "join the hubs sharing this Redis: host:port, redis://[:password@]host:port[/db] or a socket path",
            defaultValue: { $0.redis?.description ?? "none" },
            apply: { configuration, value in
                do {
                    configuration.redis = try RedisAddress(parsing: value)
                    return nil
                } catch {
                    return "\(error)"
                }
            }),
        text(
            "redis-prefix", "HUB_REDIS_PREFIX", "PREFIX", "namespace of this group's Redis keys and channels",
            \.redisPrefix),
        duration(
            "redis-publish-timeout", "HUB_REDIS_PUBLISH_TIMEOUT", "SECONDS",
            "a publish Redis has not run by then never runs there; this hub delivers it alone",
            \.redisTimings.publishTimeout),
        integer(
            "redis-publish-batch", "HUB_REDIS_PUBLISH_BATCH", "N",
            "most broadcasts one Redis script call carries (those of one loop turn go together)",
            \.redisTimings.publishBatchLimit, 1...10_000),
        integer(
            "redis-publish-batch-bytes", "HUB_REDIS_PUBLISH_BATCH_BYTES", "BYTES",
            "most bytes of broadcast data one Redis script call carries beyond its first broadcast",
            \.redisTimings.publishBatchBytes, 1024...(1 << 30)),
        duration(
            "redis-presence-ttl", "HUB_REDIS_PRESENCE_TTL", "SECONDS",
            "how long this hub's subscriber counts stay in the group's presence totals unless refreshed",
            \.redisTimings.presenceTTL),
        HubSetting(
            flag: "dev-templates", environment: "HUB_DEV_TEMPLATES", placeholder: "",
            help: "re-read changed templates on each render", defaultValue: { $0.hub.reloadTemplates ? "on" : "off" },
            apply: { configuration, value in
                switch value.lowercased() {
                case "1", "true", "yes", "on": configuration.hub.reloadTemplates = true
                case "0", "false", "no", "off": configuration.hub.reloadTemplates = false
                default: return "expects 1 or 0 (true or false), got \"\(value)\""
                }
                return nil
            }, isSwitch: true),
        text(
            "database", "HUB_DATABASE", "FILE",
            "the demo site's SQLite file (created, with its folder, on first start)",
            \.demo.databasePath),
        integer(
            "workers", "HUB_WORKERS", "N", "threads for the demo's SQLite and password work", \.demo.workers, 1...64),
        integer(
            "work-queue", "HUB_WORK_QUEUE", "N", "demo requests that may wait for a worker (503 past it)",
            \.demo.queueLimit, 1...100_000),
        toggle(
            "secure-cookies", "HUB_SECURE_COOKIES", "mark cookies Secure (when served over HTTPS)",
            \.demo.secureCookies),
    ]

    /// JWT and CORS, for a hub used without an app in front of it (every one off by default).
    static let access: [HubSetting] = [
        HubSetting(
            flag: "jwt-secret", environment: "HUB_JWT_SECRET", placeholder: "SECRET",
            help: "verify subscribers' and publishers' HS256 JWTs with this secret (32 bytes or more)",
            defaultValue: { $0.hub.jwtSecret == nil ? "none" : "set" },
            apply: { configuration, value in
                do {
                    _ = try JWTKeys(secret: value, publicKeyPEM: nil)
                } catch {
                    return "\(error)"
                }
                configuration.hub.jwtSecret = value
                return nil
            }),
        HubSetting(
            flag: "jwt-key", environment: "HUB_JWT_KEY", placeholder: "FILE",
            help: "verify RS256 or ES256 JWTs with this PEM public key (RSA 2048+ or EC P-256)",
            defaultValue: { $0.hub.jwtPublicKeyPEM == nil ? "none" : "set" },
            apply: { configuration, value in
                guard let pem = FileSystem.read(value) else { return "cannot read \(value)" }
                do {
                    _ = try PublicKey(pem: pem)
                } catch {
                    return "\(value): \(error)"
                }
                configuration.hub.jwtPublicKeyPEM = String(decoding: pem, as: UTF8.self)
                return nil
            }),
        HubSetting(
            flag: "jwt-cookie", environment: "HUB_JWT_COOKIE", placeholder: "NAME",
            help: "also take a subscriber's JWT from this cookie", defaultValue: { $0.hub.jwtCookie ?? "none" },
            apply: { configuration, value in
                // RFC 6265 §4.1.1: a cookie name is an RFC 2616 token (visible ASCII but separators).
                let separators = Array("()<>@,;:\\\"/[]?={}".utf8)
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !separators.contains($0) })
                else { return "expects a cookie name (RFC 6265 §4.1.1: a token), got \"\(value)\"" }
                configuration.hub.jwtCookie = value
                return nil
            }),
        integer(
            "jwt-leeway", "HUB_JWT_LEEWAY", "SECONDS", "clock skew allowed on a JWT's exp and nbf",
            \.hub.jwtLeewaySeconds, 0...300),
        HubSetting(
            flag: "jwt-audience", environment: "HUB_JWT_AUDIENCE", placeholder: "AUD",
            help: "the audience a JWT's aud must name (without it, tokens that name an audience are refused)",
            defaultValue: { $0.hub.jwtAudience ?? "none" },
            apply: { configuration, value in
                guard !value.isEmpty else { return "must not be empty" }
                configuration.hub.jwtAudience = value
                return nil
            }),
        toggle(
            "anonymous-subscribe", "HUB_ANONYMOUS_SUBSCRIBE", "with JWT on, let subscribers without a token in",
            \.hub.anonymousSubscribe),
        HubSetting(
            flag: "cors-origin", environment: "HUB_CORS_ORIGINS", placeholder: "ORIGIN",
            help: "let pages of this origin use /events and /broadcast (repeatable, or comma-separated; *: any)",
            defaultValue: { $0.hub.corsOrigins.isEmpty ? "none" : $0.hub.corsOrigins.joined(separator: ",") },
            apply: { configuration, value in
                let origins = value.split(separator: ",").map { String($0.filter { $0 != " " }) }
                let all = configuration.hub.corsOrigins + origins.filter { !$0.isEmpty }
                do {
                    _ = try CORSPolicy(origins: all)
                } catch {
                    return "\(error)"
                }
                configuration.hub.corsOrigins = all
                return nil
            }, reset: { $0.hub.corsOrigins = [] }),
    ]

    private static func toggle(
        _ flag: String, _ environment: String, _ help: String,
        _ field: WritableKeyPath<ServerConfiguration, Bool> & Sendable
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: "", help: help,
            defaultValue: { $0[keyPath: field] ? "on" : "off" },
            apply: { configuration, value in
                switch value.lowercased() {
                case "1", "true", "yes", "on": configuration[keyPath: field] = true
                case "0", "false", "no", "off": configuration[keyPath: field] = false
                default: return "expects 1 or 0 (true or false), got \"\(value)\""
                }
                return nil
            }, isSwitch: true)
    }

    /// A token setting: never empty, and `--help` shows whether it is set, never its value.
    private static func secret(
        _ flag: String, _ environment: String, _ help: String,
        _ field: WritableKeyPath<ServerConfiguration, String?> & Sendable, unset: String
    ) -> HubSetting {
        HubSetting(
            flag: flag, environment: environment, placeholder: "TOKEN", help: help,
            defaultValue: { $0[keyPath: field] == nil ? unset : "set" },
            apply: { configuration, value in
                guard !value.isEmpty else { return "must not be empty" }
                configuration[keyPath: field] = value
                return nil
            })
    }

    private static func text(
        _ flag: String, _ environment: String, _ placeholder: String, _ help: String,
        _ field: WritableKeyPath<ServerConfiguration, String> & Sendable
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
        _ field: WritableKeyPath<ServerConfiguration, Int> & Sendable, _ range: ClosedRange<Int>
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
        _ field: WritableKeyPath<ServerConfiguration, Duration> & Sendable
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
