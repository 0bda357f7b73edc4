import Glibc
import SSEHub

/// Timings of a Redis client; every one runs on the loop's own timers (hiredis 0.14.1 has none).
public struct RedisTimings: Sendable {
    /// How long a connect (and its `AUTH`/`SELECT`) may take before it is abandoned and retried.
    public var connectTimeout: Duration = .seconds(2)
    /// How often a connection sends `PING` to check that Redis still answers.
    public var pingInterval: Duration = .seconds(1)
    /// An unanswered PING older than this marks Redis silent: the connection is dropped and redialled.
    public var pingTimeout: Duration = .seconds(3)
    /// The wait before the first redial; it doubles each failure (with jitter).
    public var initialBackoff: Duration = .milliseconds(100)
    /// The longest wait between redials.
    public var maximumBackoff: Duration = .seconds(5)
    /// A publish Redis has not run this long after it was sent never runs: the hub delivers it itself then.
    public var publishTimeout: Duration = .seconds(1)
    /// How long a hub's subscriber counts stay in the group's presence totals unless refreshed (every third
    /// of it): a hub that dies falls out of them within this.
    public var presenceTTL: Duration = .seconds(15)
    /// The most broadcasts one call of the publish script carries: those that reach the bridge in one turn of
    /// its loop go to Redis together, up to this many per call (each call blocks Redis while it runs).
    public var publishBatchLimit = 256
    /// The most bytes of broadcast data one call carries beyond its first broadcast: past it the call goes out
    /// and the next one starts.
    public var publishBatchBytes = 1 << 20

    /// The defaults above.
    public init() {}
}

/// A Redis connection that keeps itself up: dials, authenticates, selects the database, checks liveness with
/// PINGs and redials with capped exponential backoff and jitter. Loop-thread only.
final class RedisClient {
    enum State: Equatable {
        case connecting
        case ready
        /// Down; redialling after a backoff.
        case down(String)
    }

    let name: String
    let address: RedisAddress
    let timings: RedisTimings
    private let loop: LoopContext
    private(set) var connection: RedisConnection?
    private(set) var state = State.connecting
    private var backoff: Duration
    private var deadline: LoopTimer?
    private var pinger: LoopTimer?
    private var unansweredPingSince: UInt64?
    /// false for a subscribed connection: RESP2 answers PING there with a push hiredis 0.14.1 never matches
    /// to its callback. Its owner proves liveness another way and calls `markAlive()`.
    var usesPing = true
    private var lastAlive: UInt64 = 0
    /// Called on every state change (the bridge re-subscribes on `.ready`).
    var onStateChange: (State) -> Void = { _ in }
    /// The current outage has been logged; its redials stay quiet until Redis answers again.
    private var outageLogged = false
    /// Pushes on a subscribed connection.
    var onPush: (RedisReply) -> Void = { _ in }
    private var stopped = false
    /// Until when (monotonic nanoseconds) a failed connection must stay open and read: answers still due to
    /// in-flight publishes would otherwise be lost although Redis runs them (see `PublishGuards`).
    var holdOpenUntil: () -> UInt64 = { 0 }
    /// Failed connections kept open until then; their events no longer concern this client.
    private var lingering: [RedisConnection] = []
    /// Which dial a connection's events come from.
    private var dials = 0

    init(name: String, address: RedisAddress, timings: RedisTimings, loop: LoopContext) {
        self.name = name
        self.address = address
        self.timings = timings
        self.loop = loop
        self.backoff = timings.initialBackoff
    }

    func start() { dial() }

    func stop() {
        stopped = true
        deadline?.cancel()
        pinger?.cancel()
        connection?.close()
        connection = nil
        lingering.forEach { $0.close() }
        lingering = []
    }

    /// Sends when ready; otherwise answers nil at once (the caller degrades rather than queueing blindly).
    func send(_ arguments: [[UInt8]], _ callback: @escaping (RedisReply?) -> Void) {
        guard state == .ready, let connection else { return callback(nil) }
        connection.send(arguments, callback)
    }

    func sendSubscription(_ arguments: [[UInt8]]) {
        guard state == .ready else { return }
        connection?.sendSubscription(arguments)
    }

    private func dial() {
        guard !stopped else { return }
        set(.connecting)
        dials += 1
        let dial = dials
        do {
            let connection = try RedisConnection(address: address, loop: loop) { [weak self] event in
                guard let self, dial == self.dials else { return }
                self.connectionEvent(event)
            }
            connection.onPush = { [weak self] reply in self?.onPush(reply) }
            self.connection = connection
        } catch {
            fail("\(error)")
            return
        }
        deadline = loop.schedule(after: timings.connectTimeout) { [weak self] in
            self?.fail("no connection within \(self?.timings.connectTimeout ?? .zero)")
        }
        // AUTH and SELECT are pipelined before the PING whose answer means "ready".
        if let password = address.password { connection?.send(.command("AUTH", password)) { _ in } }
        if address.database != 0 { connection?.send(.command("SELECT", String(address.database))) { _ in } }
        connection?.send(.command("PING")) { [weak self] reply in
            guard let self, reply != nil, self.state == .connecting else { return }
            if case .error(let message)? = reply {
                self.fail(message)
                return
            }
            self.deadline?.cancel()
            self.backoff = self.timings.initialBackoff
            self.lastAlive = MonotonicClock.now()
            self.set(.ready)
            self.schedulePing()
        }
    }

    private func connectionEvent(_ event: RedisConnection.Event) {
        if case .disconnected(let reason) = event {
            connection = nil
            fail(reason)
        }
    }

    /// Proof of life from outside (a heartbeat seen on a subscribed connection).
    func markAlive() {
        lastAlive = MonotonicClock.now()
    }

    private func schedulePing() {
        pinger = loop.schedule(after: timings.pingInterval) { [weak self] in
            guard let self, self.state == .ready else { return }
            let now = MonotonicClock.now()
            guard self.usesPing else {
                if now - self.lastAlive > self.timings.pingTimeout.nanoseconds {
                    self.fail("no heartbeat for \(self.timings.pingTimeout)")
                } else {
                    self.schedulePing()
                }
                return
            }
            if let since = self.unansweredPingSince, now - since > self.timings.pingTimeout.nanoseconds {
                self.fail("no answer to PING for \(self.timings.pingTimeout)")
                return
            }
            if self.unansweredPingSince == nil {
                self.unansweredPingSince = now
                self.connection?.send(.command("PING")) { [weak self] reply in
                    if reply != nil { self?.unansweredPingSince = nil }
                }
            }
            self.schedulePing()
        }
    }

    /// Drops the connection and redials after a backoff: doubled each time, capped, with ±20 % jitter so a
    /// fleet of hubs does not redial in step.
    private func fail(_ reason: String) {
        guard !stopped else { return }
        deadline?.cancel()
        pinger?.cancel()
        unansweredPingSince = nil
        if let closing = connection { linger(closing) }
        connection = nil
        if case .down = state {} else { set(.down(reason)) }
        let jitter = Double.random(in: 0.8...1.2)
        let delay = Duration.nanoseconds(Int64(Double(backoff.nanoseconds) * jitter))
        backoff = min(backoff * 2, timings.maximumBackoff)
        loop.schedule(after: delay) { [weak self] in self?.dial() }
    }

    /// Closes a failed connection, or keeps it reading until the answers still due to it are overdue.
    private func linger(_ closing: RedisConnection) {
        let now = MonotonicClock.now()
        let until = holdOpenUntil()
        guard until > now else { return closing.close() }
        lingering.append(closing)
        loop.schedule(after: .nanoseconds(Int64(until - now))) { [weak self, weak closing] in
            closing?.close()
            self?.lingering.removeAll { $0 === closing }
        }
    }

    private func set(_ new: State) {
        guard new != state || new == .ready else { return }
        state = new
        // Log each change once: a Redis that stays down logs its loss once and its return once, not each of the
        // redials in between (they go connecting, down, connecting, ... without a word).
        let (level, line, state): (Log.Level, String, String)
        switch new {
        case .connecting:
            guard !outageLogged else { return }
            (level, line, state) = (.info, "connecting to \(address)", "connecting")
        case .ready:
            outageLogged = false
            (level, line, state) = (.info, "connected to \(address)", "ready")
        case .down(let reason):
            guard !outageLogged else { return onStateChange(new) }
            outageLogged = true
            (level, line, state) = (.warning, "lost \(address): \(reason); redialling with backoff", "down")
        }
        Log.write(level, "redis \(name)", line, [("state", .string(state)), ("address", .string("\(address)"))])
        onStateChange(new)
    }
}
