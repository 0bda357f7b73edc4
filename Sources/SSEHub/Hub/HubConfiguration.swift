import Glibc

/// Every setting of a hub, with the defaults a production hub starts with. Each is a CLI flag and an
/// environment variable of the `hub` executable (see `HubSettings` there).
public struct HubConfiguration: Sendable {
    /// The numeric address to listen on (`0.0.0.0` for every interface).
    public var host = "127.0.0.1"
    /// The TCP port to listen on; 0 picks a free one (read it back from `Hub.port`).
    public var port = 8080
    /// Event-loop threads; each owns its connections.
    public var loops = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Sent as `retry:` at the start of every stream.
    public var retryMilliseconds = 3000
    /// A stream with nothing sent for this long gets a comment line.
    public var keepalive: Duration = .seconds(15)
    /// Events kept per channel for `Last-Event-ID` resume.
    public var replayEvents = 1000
    /// The most bytes one rendered template may produce (a small context can expand into a huge page).
    public var maxRenderedBytes = 1024 * 1024
    /// Bytes of events kept per channel for resume (the oldest go first past it).
    public var replayBytesPerChannel = 4 * 1024 * 1024
    /// Bytes of events kept for resume across all channels: past it the hub's oldest stored events go first.
    public var replayBytesTotal = 64 * 1024 * 1024
    /// Unsent bytes at which a subscriber is disconnected as too slow.
    public var highWaterBytes = 256 * 1024
    /// Channels whose names start with one of these coalesce by key: for a subscriber that lags, an event
    /// published with a `key` replaces that key's unsent older one instead of queueing behind it (the replay
    /// ring still keeps every event). Bounded by `highWaterBytes` all the same. Other channels queue every
    /// event and drop a subscriber at the mark.
    public var coalescePrefixes: [String] = []
    /// Unsent answer bytes past which a connection's further requests are not read until the answers drain
    /// (pipelining clients that do not read then meet TCP back-pressure instead of filling memory).
    public var maxUnsentAnswerBytes = 1024 * 1024
    /// The most bytes a request line and its headers may take: past it, 431.
    public var maxHeadBytes = 16 * 1024
    /// The most bytes a request body may take: past it, 413.
    public var maxBodyBytes = 1024 * 1024
    /// The longest channel name, in UTF-8 bytes.
    public var maxChannelNameBytes = 128
    /// Channels one stream may subscribe to at once.
    public var maxChannelsPerStream = 64
    /// Channels the hub holds; past it, idle channels (no subscribers) are evicted oldest first.
    public var maxChannels = 100_000
    /// A request must arrive within this time of its first byte, and a deferred answer (a relayed publish) be
    /// ready within this time of its request; past that it is a 503.
    public var headTimeout: Duration = .seconds(10)
    /// A keep-alive connection with no request in progress is closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// When set, `POST /broadcast` needs `Authorization: Bearer <token>`.
    public var publishToken: String?
    /// When set, `GET /channels` works and needs `Authorization: Bearer <token>`, as does `GET /metrics`.
    public var adminToken: String?
    /// The listening socket's accept queue (`listen(2)` backlog).
    public var listenBacklog = 4096
    /// Templates for rendered broadcasts, loaded at start (nil: none). A syntax error or a missing partial
    /// or parent stops start-up.
    public var templatesDirectory: String?
    /// Re-read a template whose file changed on its next render (for editing pages).
    public var reloadTemplates = false

    // MARK: Tokens and CORS, for a hub used without an app in front of it (all off by default)
    /// The HS256 secret subscribers' and publishers' JWTs are signed with (at least 32 bytes, RFC 7518 §3.2).
    public var jwtSecret: String?
    /// A PEM public key (`BEGIN PUBLIC KEY`) JWTs are verified with: RSA of 2048 bits or more for RS256, EC P-256
    /// for ES256. With `jwtSecret` too, each algorithm is checked only with its own key.
    public var jwtPublicKeyPEM: String?
    /// A cookie a subscriber's JWT may come in, besides `Authorization: Bearer` and `access_token` (nil: none).
    public var jwtCookie: String?
    /// Seconds of clock skew allowed on a token's `exp` and `nbf` (RFC 7519 §4.1.4-5); a stream ends this long
    /// after its token's `exp`.
    public var jwtLeewaySeconds = 30
    /// The audience this hub answers to: a token with `aud` must name it (RFC 7519 §4.1.3). nil: a token that
    /// names any audience is refused, one without `aud` accepted.
    public var jwtAudience: String?
    /// With JWT on, whether a subscriber without a token may open streams (of any channel). A token that is
    /// sent is checked either way.
    public var anonymousSubscribe = false
    /// Origins whose pages may use `/events` and `/broadcast` (CORS), exact (`https://app.example`); `["*"]`
    /// for any origin, without credentials. Empty: no CORS headers.
    public var corsOrigins: [String] = []

    // MARK: Graceful operations: drain on SIGTERM, stream lifetime, access log
    /// How long `Hub.drain` waits after readiness turns 503 before it stops accepting and ends the streams, so a
    /// load balancer polling `GET /health/ready` stops sending traffic first. Part of `drainWindow`.
    public var drainGrace: Duration = .zero
    /// The whole drain, from its start to the forced close of whatever is still open (in-flight publishes get
    /// until then to be answered).
    public var drainWindow: Duration = .seconds(10)
    /// The final `retry:` of each stream a drain ends is drawn uniformly from this range (milliseconds), so
    /// the browsers of a drained hub come back spread over it rather than all at once.
    public var drainRetryMilliseconds: ClosedRange<Int> = 1000...5000
    /// A stream open this long is ended with a `retry:` hint, so the browser reconnects (with `Last-Event-ID`,
    /// losing nothing), possibly to another hub behind the load balancer. nil: streams live as long as they like.
    public var maxStreamLifetime: Duration?
    /// Each stream's lifetime is `maxStreamLifetime` less a random part of this, so streams opened together do
    /// not all end together. nil: a tenth of `maxStreamLifetime`.
    public var maxStreamJitter: Duration?
    /// Log each publish and each refused request (status 400 and above) through `Log`, one line each.
    public var accessLog = false

    /// The defaults above; set what differs.
    public init() {}

    var parserLimits: HTTPParserLimits {
        HTTPParserLimits(maxHeadBytes: maxHeadBytes, maxBodyBytes: maxBodyBytes)
    }
}

// Extensions SSEHub makes on standard types are `package`, never `public`: Broadcast re-exports SSEHub, so a
// public one would appear on `Duration` (or `String`, ...) in every app file that imports Broadcast.
extension Duration {
    /// Whole nanoseconds (negative durations count as zero). `package`: plumbing, not part of what apps see.
    package var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
