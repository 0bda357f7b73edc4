import Glibc
import SSEHub

/// The loop side of a `RedisBridge`: two Redis connections (a subscribed connection cannot publish), the set
/// of channels this hub subscribes to in Redis, and the publish script. Lives on the hub's loop 0.
package final class RedisBridgeCore {
    let bridge: RedisBridge
    let publisher: RedisClient
    private let subscriber: RedisClient
    /// Channels subscribed in Redis: exactly those with local subscribers (never a pattern of all).
    private var subscribed: Set<String> = []
    /// The newest id heard from Redis (or, before any, the group's newest when this hub joined): what a
    /// re-subscription must recover the events after (`GapBackfill`).
    var lastHeard: EventID?
    /// The group's newest id when this hub last raised the epoch (or the raised epoch's start, for a Redis
    /// with no data): an id of an epoch the current Redis knows, from which a later gap can be proven.
    var tipAtRaise: EventID?
    /// The recovery of what the latest gap in the subscription missed, while it runs.
    var backfill: GapBackfill?
    /// After a recovery: per channel read, the newest id its stream supplied, so an event both supplied (held, or
    /// pushed after the read) goes out once. A channel's entry goes with its first newer push (pushes come in id
    /// order), and all of them when the subscription drops.
    var suppliedByBackfill: [String: EventID] = [:]
    /// This hub's heartbeat channel: the publisher connection publishes to it every ping interval and the
    /// subscriber connection must see it, which proves the whole pub/sub path alive.
    private let heartbeat: String
    private let loop: LoopContext
    private let timings: RedisTimings

    /// Raises the group's epoch to ARGV[2] unless it is at least ARGV[1], the highest epoch this hub's own ids
    /// can have had (its position's plus the local spread): after an outage in which this hub gave ids of its
    /// own, or gives them while this runs, the group's next ids must rise above them (else its streams' ids
    /// would go backwards and resumes from them would replay or skip). So each reconnection of a hub moves the
    /// group to a new epoch (a millisecond of the clock): ids keep rising, and a resume across it is exact.
    /// Returns the group's newest id before the raise (empty for a new group).
    static let raiseEpochScript = """
        local epoch = redis.call('GET', KEYS[1])
        if epoch then redis.call('SADD', KEYS[3], epoch) end
        if not epoch or tonumber(epoch) < tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], ARGV[2])
          redis.call('SADD', KEYS[3], ARGV[2])
        end
        if not epoch then return '' end
        return epoch .. '-' .. (redis.call('GET', KEYS[2]) or '0')
        """
    /// Whether the group's epoch was raised since both connections last came up (the bridge is ready only
    /// then), and which raise is the current one (an answer to an earlier one proves nothing).
    private var epochRaised = false
    private var raiseGeneration = 0
    /// Redis's clock, for publish deadlines; measured on every (re)connect and heartbeat.
    private var clock = RedisClock()
    private var clockKnown = false
    private let guards: PublishGuards
    private let batcher: BatchedPublisher
    let presence: GroupPresence

    init(bridge: RedisBridge, timings: RedisTimings, loop: LoopContext) {
        self.bridge = bridge
        publisher = RedisClient(name: "publish", address: bridge.address, timings: timings, loop: loop)
        subscriber = RedisClient(name: "subscribe", address: bridge.address, timings: timings, loop: loop)
        subscriber.usesPing = false
        heartbeat = bridge.prefix + "heartbeat:" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        self.loop = loop
        self.timings = timings
        guards = PublishGuards(loop: loop)
        batcher = BatchedPublisher(
            client: publisher, guards: guards, counters: bridge.counters, loop: loop, prefix: bridge.prefix,
            streamLength: bridge.hub.configuration.replayEvents, limit: timings.publishBatchLimit,
            byteLimit: timings.publishBatchBytes)
        presence = GroupPresence(
            bridge: bridge, publisher: publisher, member: heartbeat, ttl: timings.presenceTTL, loop: loop)
    }

    deinit {
        publisher.stop()
        subscriber.stop()
    }

    func start() {
        let counters = bridge.counters
        guards.onGivenUp = { [unowned self] in
            counters.add(.expiredPublishes)
            self.outrunGroup()
        }
        guards.onLateAnswer = { id in
            counters.add(.lateAnswers)
            Log.warning("redis publish", "Redis answered \(id) after this hub had given up and delivered it itself")
        }
        publisher.holdOpenUntil = { [unowned self] in self.guards.lastCertainlyPast }
        publisher.onStateChange = { [unowned self] state in
            if state == .ready {
                self.batcher.loadScript()
                self.presence.loadScript()
            }
            self.connectionsChanged()
        }
        subscriber.onStateChange = { [unowned self] state in
            self.backfill = nil
            self.suppliedByBackfill = [:]
            if state == .ready { self.resubscribe() }
            self.connectionsChanged()
        }
        subscriber.onPush = { [unowned self] reply in self.received(reply) }
        presence.start()
        publisher.start()
        subscriber.start()
        beat()
    }

    private func beat() {
        if publisher.state == .ready && subscriber.state == .ready {
            publisher.send([Array("PUBLISH".utf8), Array(heartbeat.utf8), [UInt8(ascii: "1")]]) { _ in }
            measureClock()
        }
        loop.schedule(after: timings.pingInterval) { [weak self] in self?.beat() }
    }

    private func updateReadiness() {
        let ready = publisher.state == .ready && subscriber.state == .ready && epochRaised && clockKnown
        bridge.ready.store(ready, ordering: .releasing)
        presence.connected = ready
    }

    /// Whenever a connection comes or goes, the bridge is unready until both are up and the group's epoch is
    /// above this hub's: while unready this hub may have given ids of its own (see `ChannelTable.nextLocalID`).
    private func connectionsChanged() {
        epochRaised = false
        raiseGeneration += 1
        if publisher.state == .ready && subscriber.state == .ready {
            measureClock()
            raiseEpoch(generation: raiseGeneration)
        }
        startBackfillIfReady()
        updateReadiness()
    }

    private func measureClock() {
        let sentAt = MonotonicClock.now()
        publisher.send(.command("TIME")) { [weak self] reply in
            guard let self, reply != nil else { return }
            self.clock.measured(reply, sentAt: sentAt, receivedAt: MonotonicClock.now())
            if !self.clockKnown {
                self.clockKnown = true
                self.updateReadiness()
            }
        }
    }

    /// A publish was given up with both connections up (a freeze shorter than the liveness timeout, one slow
    /// answer): this hub now gives it an id of its own above the group's, and no reconnection will raise the
    /// group's epoch over it, so every event the group publishes next would fall below this hub's position.
    /// The bridge is unready (publishes stay local) until the epoch is raised again, as after a reconnection.
    private func outrunGroup() {
        epochRaised = false
        raiseGeneration += 1
        updateReadiness()
        if publisher.state == .ready && subscriber.state == .ready { raiseEpoch(generation: raiseGeneration) }
    }

    /// Publishes sent after it on the publisher connection run after it (Redis runs one connection's commands
    /// in order). Local ids given while it is on its way take an epoch less than the spread above the position
    /// read here, and the candidate lies above that.
    private func raiseEpoch(generation: Int) {
        let highestLocal = bridge.hub.position.epoch + Hub.localEpochSpreadLimit
        // Also above every epoch of the group this hub has known: within 100 ms of a hub's start the candidate is
        // its boot epoch's + 101 whatever the clock says, so a Redis that restarted without its data took the
        // same epoch again and issued its ids a second time (one id, two events; a back-fill from the first
        // "proved" its gap and skipped the second).
        let known = max(lastHeard?.epoch ?? 0, tipAtRaise?.epoch ?? 0)
        let candidate = max(WallClock.millisecondsSinceEpoch(), highestLocal + 1, known + 1)
        publisher.send([
            Array("EVAL".utf8), Array(Self.raiseEpochScript.utf8), [UInt8(ascii: "3")], key("epoch"), key("sequence"),
            key("epochs"),
            Array(String(highestLocal + 1).utf8), Array(String(candidate).utf8),
        ]) { [weak self] reply in
            // No answer: the connection failed and will be redialled, raising again.
            guard let self, let reply, generation == self.raiseGeneration else { return }
            if case .error(let message) = reply {
                // The epoch key holds something else than a number: publishes fail and are counted, and
                // refusing readiness for ever would help nobody.
                Log.error("redis publish", "cannot raise the group's epoch: \(message)")
            }
            let tip = reply.text.flatMap { EventID($0) }
            if self.lastHeard == nil, let tip { self.lastHeard = tip }
            self.tipAtRaise = tip ?? (reply.text == "" ? EventID(epoch: candidate, sequence: 0) : nil)
            self.epochRaised = true
            self.updateReadiness()
        }
        // The broadcasts of this turn run after the raise: under the new epoch, above the ids this hub gave its
        // own events meanwhile (before it, they would come back below the position and be dropped).
        batcher.flush()
    }

    func key(_ suffix: String) -> [UInt8] { Array((bridge.prefix + suffix).utf8) }

    func publish(
        channels: [String], event: String, data: [UInt8], key: String?,
        completion: @escaping @Sendable (EventID?) -> Void
    ) {
        guard let deadline = clock.deadline(after: timings.publishTimeout, now: MonotonicClock.now()) else {
            bridge.counters.add(.failedPublishes)
            return completion(nil)
        }
        let entry = guards.add(certainlyPast: deadline.certainlyPast, completion: completion)
        batcher.add(channels: channels, event: event, data: data, key: key, deadline: deadline.redis, guarded: entry)
    }

    /// Subscribes in Redis to `channel` if it has local subscribers and unsubscribes if not. The channel table
    /// is the truth, so transitions reported by two loops in either order still end right.
    func reconcile(_ channel: String) {
        let wanted = bridge.hub.hasLocalSubscribers(channel)
        if wanted && !subscribed.contains(channel) {
            subscribed.insert(channel)
            subscriber.sendSubscription([Array("SUBSCRIBE".utf8), key("channel:" + channel)])
        } else if !wanted && subscribed.contains(channel) {
            subscribed.remove(channel)
            subscriber.sendSubscription([Array("UNSUBSCRIBE".utf8), key("channel:" + channel)])
        }
        bridge.counters.set(.subscribedChannels, subscribed.count)
    }

    /// Starts hearing the group's presence totals (the first group observer arrived).
    func hearPresence() {
        guard !presence.hearing else { return }
        presence.startHearing()
        subscriber.sendSubscription([Array("SUBSCRIBE".utf8), Array(presence.channel.utf8)])
    }

    /// After a (re)connect: one pipelined SUBSCRIBE for every channel with local subscribers.
    private func resubscribe() {
        subscribed = Set(bridge.hub.channelsWithLocalSubscribers())
        bridge.counters.set(.subscribedChannels, subscribed.count)
        let names = subscribed.sorted()
        let always = [heartbeat] + (presence.hearing ? [presence.channel] : [])
        subscriber.sendSubscription(
            [Array("SUBSCRIBE".utf8)] + always.map { Array($0.utf8) } + names.map { key("channel:" + $0) })
        if let after = lastHeard, let last = names.last {
            backfill = GapBackfill(after: after, channels: names, lastConfirmation: bridge.prefix + "channel:" + last)
        }
    }

    /// Channels whose streams were told of events dropped below the position, until one is delivered again.
    private var behindReported: Set<String> = []
    static let behindReason =
        "events were published while this hub was cut off from Redis and gave ids of its own above theirs"

    /// The multi-channel event delivered last, and to which channels: its other messages follow at once.
    private var lastSpread: (id: EventID, channels: [String])?

    /// A pub/sub push: `message`, channel, envelope. Anything malformed is counted and skipped.
    func received(_ reply: RedisReply) {
        guard case .array(let parts) = reply, parts.count == 3 else { return }
        if let backfill, parts[0].text == "subscribe", parts[1].text == backfill.lastConfirmation {
            backfill.confirm()
            return startBackfillIfReady()
        }
        guard parts[0].text == "message" else { return }
        if parts[1].text == heartbeat { return subscriber.markAlive() }
        if parts[1].text == presence.channel {
            guard case .string(let message) = parts[2], presence.heard(message) else {
                return bridge.counters.add(.malformed)
            }
            return
        }
        if let backfill { return backfill.hold(reply) }
        let prefix = bridge.prefix + "channel:"
        guard let name = parts[1].text, name.hasPrefix(prefix), case .string(let envelope) = parts[2],
            let (id, event, spread, key, data) = Self.parseEnvelope(
                envelope, maxChannelName: bridge.hub.configuration.maxChannelNameBytes)
        else {
            bridge.counters.add(.malformed)
            return
        }
        let channel = String(name.dropFirst(prefix.count))
        guard spread.isEmpty || spread.contains(channel) else {
            bridge.counters.add(.malformed)
            return
        }
        bridge.counters.add(.received)
        if let supplied = suppliedByBackfill[channel] {
            if id <= supplied { return }
            suppliedByBackfill[channel] = nil
        }
        lastHeard = max(lastHeard ?? id, id)
        guard let targets = deliveryTargets(channel: channel, id: id, spread: spread) else { return }
        if bridge.hub.deliverRelayed(
            channels: targets, id: id, event: event, data: data, key: key, keyScope: spread.isEmpty ? [channel] : spread
        ) {
            if !behindReported.isEmpty { behindReported.subtract(targets) }
        } else {
            // Below this hub's own ids of an outage: delivered, it would take the streams' ids backwards.
            // Dropped, and the streams are told once per run of such events.
            bridge.counters.add(.behindPosition)
            let fresh = targets.filter { behindReported.insert($0).inserted }
            if !fresh.isEmpty {
                bridge.counters.add(.gapResets)
                bridge.hub.reportGap(in: fresh, reason: RedisBridgeCore.behindReason)
            }
        }
    }

    /// An event to several channels comes once per channel, back to back (one script). Delivered once, on its
    /// first message, to each of its channels this hub listens to, so a stream of several gets it once and
    /// every ring stores it under one place; a later message of it adds only a channel not yet covered.
    private func deliveryTargets(channel: String, id: EventID, spread: [String]) -> [String]? {
        guard !spread.isEmpty else { return [channel] }
        if let last = lastSpread, last.id == id {
            guard !last.channels.contains(channel) else { return nil }
            lastSpread?.channels.append(channel)
            return [channel]
        }
        let targets = spread.filter { $0 == channel || subscribed.contains($0) }
        lastSpread = (id, targets)
        return targets
    }

    /// `id\nevent\nchannels\ndata`, where the channel line may end in a tab and the event's coalescing key (no
    /// channel name has a tab); nil when any part is malformed (a bad id, a field-breaking event name, a channel
    /// list that breaks the channel rule, an empty or overlong key).
    package static func parseEnvelope(_ bytes: [UInt8], maxChannelName: Int)
        -> (EventID, String?, [String], String?, [UInt8])?
    {
        guard let first = bytes.firstIndex(of: 0x0A),
            let second = bytes[(first + 1)...].firstIndex(of: 0x0A),
            let third = bytes[(second + 1)...].firstIndex(of: 0x0A),
            let id = EventID(String(decoding: bytes[..<first], as: UTF8.self))
        else { return nil }
        let event = String(decoding: bytes[(first + 1)..<second], as: UTF8.self)
        guard EventEncoder.isValidFieldValue(event.utf8) else { return nil }
        var line = bytes[(second + 1)..<third]
        var key: String?
        if let tab = line.firstIndex(of: UInt8(ascii: "\t")) {
            let text = line[(tab + 1)...]
            // The publish side's rules: not empty, a channel name's length at most, no CR/LF/NUL (no LF here).
            guard !text.isEmpty, text.count <= maxChannelName, EventEncoder.isValidFieldValue(text),
                UTF8Validation.isValid(Array(text))
            else { return nil }
            key = String(decoding: text, as: UTF8.self)
            line = line[..<tab]
        }
        let spread = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let channels = spread == [""] ? [] : spread
        guard channels.count != 1, channels.allSatisfy({ ChannelName.validate($0, maxLength: maxChannelName) == nil })
        else {
            return nil
        }
        return (id, event.isEmpty ? nil : event, channels, key, Array(bytes[(third + 1)...]))
    }
}
