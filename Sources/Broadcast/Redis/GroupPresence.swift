import SSEHub

/// Subscriber counts per channel across a group of hubs, for "3 people viewing" on every hub alike. Every hub
/// keeps its own count of each channel in one Redis hash per channel (field: the hub, value: its count and when
/// that expires in Redis's clock), observed or not, so the totals are whole; a script writes a hub's count,
/// drops expired ones, and publishes the new total on the group's presence channel, which the hubs with
/// observers hear. Counts are refreshed every third of `presenceTTL`, so a hub that dies without a word falls
/// out of the totals within it. One write per channel is in flight at a time: changes meanwhile are sent as
/// their newest count when it is answered. Lives on loop 0.
final class GroupPresence {
    /// KEYS[1]: the channel's hash. ARGV: the hub, its count, the time to live (ms), the presence channel, the
    /// channel's name. Returns the channel's total across the group, also published as `name\ntotal`.
    static let script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if tonumber(ARGV[2]) > 0 then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. (now + tonumber(ARGV[3])))
        else
          redis.call('HDEL', KEYS[1], ARGV[1])
        end
        local total = 0
        local fields = redis.call('HGETALL', KEYS[1])
        for i = 1, #fields, 2 do
          local count, expires = string.match(fields[i + 1], '^(%d+) (%d+)$')
          if count and tonumber(expires) > now then
            total = total + tonumber(count)
          else
            redis.call('HDEL', KEYS[1], fields[i])
          end
        end
        if total > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\\n' .. total)
        return total
        """

    private let bridge: RedisBridge
    private let publisher: RedisClient
    private let loop: LoopContext
    private let ttl: Duration
    /// This hub's field in every channel's hash.
    private let member: [UInt8]
    private let cached = CachedScript(GroupPresence.script)
    /// The group's presence channel, which carries every total.
    let channel: String
    /// Set once the first group observer arrives: from then on this hub hears the group's totals.
    private(set) var hearing = false
    /// This hub's non-zero counts, rewritten on every refresh.
    private var local: [String: Int] = [:]
    /// Channels with a write on its way, and those that changed meanwhile.
    private var writing: Set<String> = []
    private var changedMeanwhile: Set<String> = []
    /// The totals observers heard last, so a refresh that changes nothing tells them nothing.
    private(set) var reported: [String: Int] = [:]
    /// Whether the bridge can write: while not, observers hear this hub's own counts.
    var connected = false {
        didSet { if connected && !oldValue { refresh() } }
    }

    init(bridge: RedisBridge, publisher: RedisClient, member: String, ttl: Duration, loop: LoopContext) {
        self.bridge = bridge
        self.publisher = publisher
        self.member = Array(member.utf8)
        self.ttl = ttl
        self.loop = loop
        channel = bridge.prefix + "presence"
    }

    /// Starts the refreshes (the bridge starts).
    func start() { scheduleRefresh() }

    /// On every (re)connect of the publisher connection: from then on counts go by the script's SHA1.
    func loadScript() { cached.load(on: publisher) }

    /// Starts hearing the group's totals. The caller subscribes to `channel`.
    func startHearing() { hearing = true }

    /// A local count changed (from `Hub.observePresence`).
    func localChanged(_ name: String, to count: Int) {
        local[name] = count > 0 ? count : nil
        guard connected else {
            if hearing { report(name, count) }
            return
        }
        write(name)
    }

    /// A total published by any hub (the presence channel's message `name\ntotal`); false when malformed.
    func heard(_ message: [UInt8]) -> Bool {
        guard let newline = message.lastIndex(of: 0x0A),
            let total = Int(String(decoding: message[(newline + 1)...], as: UTF8.self)), total >= 0
        else { return false }
        let name = String(decoding: message[..<newline], as: UTF8.self)
        guard ChannelName.validate(name, maxLength: bridge.hub.configuration.maxChannelNameBytes) == nil else {
            return false
        }
        report(name, total)
        return true
    }

    private func report(_ name: String, _ total: Int) {
        guard reported[name] != total else { return }
        reported[name] = total == 0 ? nil : total
        bridge.notifyGroupPresence(channel: name, subscribers: total)
    }

    private func write(_ name: String) {
        guard writing.insert(name).inserted else {
            changedMeanwhile.insert(name)
            return
        }
        let count = local[name] ?? 0
        let milliseconds = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        publisher.send(
            cached.command + [
                [UInt8(ascii: "1")], Array((bridge.prefix + "presence:" + name).utf8), member,
                Array(String(count).utf8), Array(String(milliseconds).utf8), Array(channel.utf8), Array(name.utf8),
            ]
        ) { [weak self] reply in
            guard let self else { return }
            self.writing.remove(name)
            // The cache was flushed under us: this count again, with the script's text.
            if self.cached.wasMissing(reply, on: self.publisher) { return self.write(name) }
            if case .error(let message)? = reply { Log.error("redis presence", message) }
            // No answer: the connection failed, and coming back rewrites every count.
            if reply != nil, self.changedMeanwhile.remove(name) != nil { self.write(name) }
        }
    }

    /// Rewrites this hub's counts, and a zero for every channel whose total it last heard above zero (that
    /// write drops the counts of hubs that died, which no other hub may be left to do).
    private func refresh() {
        guard connected else { return }
        for name in local.keys { write(name) }
        for name in reported.keys where local[name] == nil { write(name) }
    }

    private func scheduleRefresh() {
        loop.schedule(after: ttl / 3) { [weak self] in
            guard let self else { return }
            self.refresh()
            self.scheduleRefresh()
        }
    }
}
