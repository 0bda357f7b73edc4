import SSEHub

/// The broadcasts on their way into Redis. Those that reach loop 0 in one turn go out as one call of the publish
/// script, sent when the turn ends (`LoopContext.beforeNextWait`): Redis then parses, sets up and runs the script
/// once per turn instead of once per broadcast, which was what bounded a group's broadcast rate (issue 13). The
/// script takes them in the order they came, so ids, stream order and publish order agree as they did one at a
/// time. Loop-thread only.
final class BatchedPublisher {
    /// Publishes a batch of events atomically, in order: the group's epoch (created once), then per event the
    /// next sequence, the event appended to each of its channels' capped streams under that id, and the envelope
    /// `id\nevent\nchannels\ndata` published to each of its channels (`channels`: all of the event's,
    /// space-separated, when there are several; else empty; then a tab and the event's key, if it has one). One
    /// script, so stream order, publish order and ids agree, and one event's messages arrive together. KEYS[3] is the set of every epoch this Redis has issued
    /// ids under since its data began: a stored history proves a resume only from an id of one of them.
    ///
    /// KEYS: epoch, sequence, epochs, then each event's stream keys. ARGV: the candidate epoch, the streams'
    /// length, then per event its channel count, deadline, name, data, channel list and pub/sub channels. An event
    /// past its deadline (Redis's milliseconds) is not run and answers "": the hub has given up on it by then and
    /// delivered it itself (`PublishGuards`). Redis does not undo a script's writes when a command fails, so each
    /// event runs under `pcall`: one that fails (a stream key another client made a string) answers "!" and the
    /// others keep their ids, rather than the whole batch being delivered again by the hub under its own ids.
    /// Answers one id, "" or "!" per event.
    static let script = """
        local now = redis.call('TIME')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local epoch = redis.call('GET', KEYS[1])
        if not epoch then epoch = ARGV[1]; redis.call('SET', KEYS[1], epoch); redis.call('SADD', KEYS[3], epoch) end
        local ids = {}
        local k, a = 4, 3
        while a <= #ARGV do
          local count = tonumber(ARGV[a])
          local event, data = ARGV[a + 2], ARGV[a + 3]
          if ms > tonumber(ARGV[a + 1]) then
            ids[#ids + 1] = ''
          else
            local ok, id = pcall(function()
              local id = epoch .. '-' .. redis.call('INCR', KEYS[2])
              local envelope = id .. '\\n' .. event .. '\\n' .. ARGV[a + 4] .. '\\n' .. data
              for i = 0, count - 1 do
                redis.call('XADD', KEYS[k + i], 'MAXLEN', '~', ARGV[2], id, 'e', event, 'd', data)
                redis.call('PUBLISH', ARGV[a + 5 + i], envelope)
              end
              return id
            end)
            ids[#ids + 1] = ok and id or '!'
          end
          k, a = k + count, a + 5 + count
        end
        return ids
        """

    /// One broadcast of a batch: its script arguments, and what waits for its answer.
    private struct Entry {
        let streams: [[UInt8]]
        let arguments: [[UInt8]]
        let guarded: PublishGuards.Entry
    }

    private let client: RedisClient
    private let guards: PublishGuards
    private let counters: RedisBridgeCounters
    private let loop: LoopContext
    private let prefix: String
    private let streamLength: [UInt8]
    /// The most broadcasts one script call carries (`RedisTimings.publishBatchLimit`), and the most bytes of
    /// data beyond its first (`publishBatchBytes`): a call blocks Redis while it runs.
    private let limit: Int
    private let byteLimit: Int
    private var pending: [Entry] = []
    private var pendingBytes = 0
    private let cached = CachedScript(BatchedPublisher.script)
    /// Calls sent by SHA1 and not answered yet. After a `NOSCRIPT` every one of them fails alike and is sent
    /// again as its answer comes; batches flushed meanwhile wait in `held` until then, or they would overtake
    /// those resends (and take lower ids than broadcasts submitted before them).
    private var unansweredBySHA = 0
    private var recovering = false
    private var held: [[Entry]] = []

    init(
        client: RedisClient, guards: PublishGuards, counters: RedisBridgeCounters, loop: LoopContext,
        prefix: String, streamLength: Int, limit: Int, byteLimit: Int
    ) {
        self.client = client
        self.guards = guards
        self.counters = counters
        self.loop = loop
        self.prefix = prefix
        self.streamLength = Array(String(streamLength).utf8)
        self.limit = max(1, limit)
        self.byteLimit = max(1, byteLimit)
    }

    /// On every (re)connect of the publisher connection.
    func loadScript() { cached.load(on: client) }

    /// Queues one broadcast for the end of this turn; `deadline` is Redis's millisecond past which it must not
    /// run, and `guarded` its answer's guard.
    func add(
        channels: [String], event: String, data: [UInt8], key: String?, deadline: Int64, guarded: PublishGuards.Entry
    ) {
        var arguments: [[UInt8]] = [Array(String(channels.count).utf8), Array(String(deadline).utf8)]
        arguments.append(Array(event.utf8))
        arguments.append(data)
        // The channel line, and the key after a tab (`RedisBridgeCore.parseEnvelope`).
        var line = channels.count > 1 ? Array(channels.joined(separator: " ").utf8) : []
        if let key { line += [UInt8(ascii: "\t")] + Array(key.utf8) }
        arguments.append(line)
        for channel in channels { arguments.append(Array((prefix + "channel:" + channel).utf8)) }
        if !pending.isEmpty && pendingBytes + data.count > byteLimit { flush() }
        if pending.isEmpty { loop.beforeNextWait { [weak self] in self?.flush() } }
        pendingBytes += data.count
        pending.append(
            Entry(
                streams: channels.map { Array((prefix + "stream:" + $0).utf8) }, arguments: arguments,
                guarded: guarded))
        if pending.count >= limit { flush() }
    }

    /// Sends what is queued now: before a command that must run after it (Redis runs one connection's commands
    /// in order), or at the end of the turn.
    func flush() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
        if recovering { held.append(batch) } else { send(batch) }
    }

    private func send(_ batch: [Entry]) {
        var keys: [[UInt8]] = [key("epoch"), key("sequence"), key("epochs")]
        // The candidate epoch a group gets if Redis has none yet.
        var arguments: [[UInt8]] = [Array(String(WallClock.millisecondsSinceEpoch()).utf8), streamLength]
        for entry in batch {
            keys.append(contentsOf: entry.streams)
            arguments.append(contentsOf: entry.arguments)
        }
        let bySHA = cached.isLoaded
        if bySHA { unansweredBySHA += 1 }
        client.send(cached.command + [Array(String(keys.count).utf8)] + keys + arguments) { [weak self] reply in
            guard let self else { return }
            if bySHA { self.unansweredBySHA -= 1 }
            if self.cached.wasMissing(reply, on: self.client) {
                // The cache was flushed under us: this batch again, with the text (same deadlines).
                self.recovering = true
                self.send(batch)
            } else {
                self.answer(batch, with: reply)
            }
            if self.recovering && self.unansweredBySHA == 0 {
                self.recovering = false
                let waiting = self.held
                self.held = []
                for batch in waiting { self.send(batch) }
            }
        }
    }

    private func answer(_ batch: [Entry], with reply: RedisReply?) {
        guard case .array(let ids)? = reply, ids.count == batch.count else {
            // An error, a connection gone, or an answer of another shape: none of them has an id.
            counters.add(.failedPublishes, batch.count)
            for entry in batch { guards.answered(entry.guarded, id: nil) }
            return
        }
        for (entry, answer) in zip(batch, ids) {
            if answer == .string([UInt8(ascii: "!")]) {
                // Its own command failed in Redis (and wrote nothing after the failure).
                counters.add(.failedPublishes)
                guards.answered(entry.guarded, id: nil)
            } else if answer == .string([]) {
                // Past its deadline in Redis: not run.
                if entry.guarded.isPending { counters.add(.expiredPublishes) }
                guards.answered(entry.guarded, id: nil)
            } else if let id = answer.text.flatMap({ EventID($0) }) {
                counters.add(.published)
                guards.answered(entry.guarded, id: id)
            } else {
                counters.add(.failedPublishes)
                guards.answered(entry.guarded, id: nil)
            }
        }
    }

    private func key(_ suffix: String) -> [UInt8] { Array((prefix + suffix).utf8) }
}
