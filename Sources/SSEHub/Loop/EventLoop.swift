import CLinuxSys
import Glibc

/// One event-loop thread: an epoll selector, the connections accepted on its listener, and its share of
/// every channel's subscribers. Created on its own thread and never touched from another one; other threads
/// reach it only through its `LoopHandle`.
///
/// Each turn: flush dirty connections ("write before sleep"), wait for readiness, handle it, run the tick.
final class EventLoop {
    let hub: Hub
    let handle: LoopHandle
    let selector: Selector
    let configuration: HubConfiguration
    let listener: Int32
    var acceptPaused = false

    // MARK: Variables, on this loop's thread only
    /// Connections by descriptor; a slot's generation tells a live registration from a stale event.
    var connections: [Connection?] = []
    var generation: UInt32 = 0
    /// Connections with queued bytes to write before the next wait.
    var dirty: [Connection] = []
    /// Connections to close after the current batch (closing mid-iteration would reorder member lists).
    var doomed: [Connection] = []
    /// Draining (`startDraining`): not accepting, ending streams, answering with `Connection: close`.
    var draining = false
    /// Draws drain retries and lifetime jitter (`EventLoop+Drain`).
    var random = LoopRandom()
    /// Requests being answered, by descriptor, for the access log (empty unless it is on: no cost per connection).
    var accessEntries: [Int32: AccessEntry] = [:]
    var channels: [UInt64: LoopChannel] = [:]
    /// Descriptors watched for code living on the loop, and its timers (soonest first).
    var watches: [Int32: FDWatch] = [:]
    var timers: [LoopTimer] = []
    var attachments: [AnyObject] = []
    /// Work to run once at the end of this turn, before the next wait (`LoopContext.beforeNextWait`); work it
    /// adds runs in the same turn.
    var beforeWait: [() -> Void] = []
    lazy var context = LoopContext(loop: self)
    var running = true
    /// The time after the last wait returned: deliveries stamp streams with it instead of reading the clock.
    var turnTime: UInt64
    var nextTick: UInt64
    let tickInterval: UInt64
    let clock = HTTPDate()
    /// Every stream starts with the same head; rebuilt when its `Date` changes.
    var cachedStreamHead: (date: String, frame: Frame)?
    var metrics = LoopMetrics()
    /// Publish times of the events queued since the last flush, observed into the histogram after it.
    var unflushedPublishTimes: [UInt64] = []
    var lastTimedSequence: UInt64 = 0

    /// Reads land here and are parsed in place: no connection owns a read buffer.
    let scratch: UnsafeMutableRawBufferPointer
    let iovecs: UnsafeMutableBufferPointer<iovec>
    private var batch: [LoopMessage] = []
    static let listenerGeneration: UInt32 = 0
    static let wakeupGeneration: UInt32 = 1

    init(hub: Hub, handle: LoopHandle, listener: Int32) throws(SystemError) {
        self.hub = hub
        self.handle = handle
        self.listener = listener
        self.configuration = hub.configuration
        self.selector = try Selector()
        self.scratch = .allocate(byteCount: 64 * 1024, alignment: 16)
        self.iovecs = .allocate(capacity: 64)
        // One periodic tick serves keepalives and timeouts; it runs often enough that none is late by more
        // than a quarter of its interval, and at least once a second; a stream lifetime is honoured to a quarter of
        // the shorter of it and its jitter, but never finer than a quarter second (a tiny jitter must not make
        // every loop walk its connections every few milliseconds).
        let lifetime = configuration.maxStreamLifetime?.nanoseconds ?? 0
        let jitter = configuration.maxStreamJitter?.nanoseconds ?? lifetime / 10
        let lifetimeGrain =
            lifetime > 0 ? max(1_000_000_000, min(lifetime, jitter > 0 ? jitter : lifetime)) : UInt64.max
        let shortest = min(
            configuration.keepalive.nanoseconds, configuration.headTimeout.nanoseconds,
            configuration.idleTimeout.nanoseconds, lifetimeGrain)
        self.tickInterval = max(5_000_000, min(1_000_000_000, shortest / 4))
        self.turnTime = MonotonicClock.now()
        self.nextTick = turnTime + tickInterval
        generation = 2
        try selector.register(fd: listener, generation: Self.listenerGeneration, interest: .acceptExclusive)
        try selector.register(fd: handle.wakeup.fd, generation: Self.wakeupGeneration, interest: .readEdge)
    }

    deinit {
        scratch.deallocate()
        iovecs.deallocate()
    }

    func run() {
        LoopThread.markCurrent()
        while running {
            if handle.hasMessagesFromOwnThread { drainInbox() }
            flushDirty()
            let now = MonotonicClock.now()
            turnTime = now
            var wake = nextTick > now ? nextTick - now : 0
            if let timer = runDueTimers(now: now) { wake = min(wake, timer) }
            // After the timers, which may add to it too.
            while !beforeWait.isEmpty { runBeforeWait() }
            let timeout = wake > 0 ? Int32(min(wake / 1_000_000 + 1, 1000)) : 0
            metrics.turns += 1
            do {
                try selector.wait(timeoutMilliseconds: timeout) { event in self.handle(event) }
            } catch {
                fatalError("epoll_wait failed: \(error)")
            }
            closeDoomed()
            turnTime = MonotonicClock.now()
            if turnTime >= nextTick {
                tick(now: turnTime)
                nextTick = turnTime + tickInterval
            }
        }
        Socket.close(handle.wakeup.fd)
    }

    private func runBeforeWait() {
        let work = beforeWait
        beforeWait.removeAll(keepingCapacity: true)
        for body in work { body() }
    }

    private func handle(_ event: ReadinessEvent) {
        metrics.readinessEvents += 1
        if event.fd == listener && event.generation == Self.listenerGeneration {
            // A report from before accepting stopped, in the batch a drain began in: the listener may be closed.
            if !acceptPaused { acceptConnections() }
            return
        }
        if event.fd == handle.wakeup.fd && event.generation == Self.wakeupGeneration {
            metrics.wakeups += 1
            drainInbox()
            return
        }
        if dispatchToWatch(event) { return }
        // An earlier report in this batch may have closed the fd, and a new connection may hold it now.
        guard let connection = connection(for: event.fd), connection.generation == event.generation else { return }
        if event.writable { flush(connection) }
        if event.readable && !connection.isClosed && !connection.readClosed { readable(connection) }
    }

    func connection(for fd: Int32) -> Connection? {
        Int(fd) < connections.count ? connections[Int(fd)] : nil
    }

    func drainInbox(resettingCounter: Bool = false) {
        handle.takeMessages(into: &batch, resettingCounter: resettingCounter)
        for message in batch {
            switch message {
            case .deliver(let frame, let key): deliver(frame, to: key)
            case .deliverMany(let frame, let keys):
                for key in keys { deliver(frame, to: key) }
            case .task(let task): task(context)
            case .history(let fd, let generation, let channel, let events):
                receivedHistory(fd: fd, generation: generation, channel: channel, events: events)
            case .respond(let fd, let generation, let ticket, let answer):
                deliverDeferred(fd: fd, generation: generation, ticket: ticket, answer: answer)
            case .shutdown: shutdown()
            }
        }
        batch.removeAll(keepingCapacity: batch.capacity <= 4096)
    }

    /// Closes now: unregisters, releases the descriptor, leaves every channel.
    func close(_ connection: Connection) {
        guard !connection.isClosed else { return }
        if let stream = connection.stream { leaveChannels(stream) }
        connection.state = .closed
        connection.outbound.discard()
        selector.deregister(fd: connection.fd)
        connections[Int(connection.fd)] = nil
        Socket.close(connection.fd)
        hub.stats.add(.openConnections, -1)
        if acceptPaused { resumeAccepting() }
        if draining { hub.noteDrainProgress() }
    }

    func closeDoomed() {
        guard !doomed.isEmpty else { return }
        for connection in doomed { close(connection) }
        doomed.removeAll(keepingCapacity: true)
    }

    private func shutdown() {
        // Not when already deregistered: after a drain the hub may have closed the listener, and its number
        // may belong to another descriptor by now.
        if !acceptPaused { selector.deregister(fd: listener) }
        for watch in Array(watches.values) { watch.cancel() }
        timers.removeAll()
        attachments.removeAll()
        for case let connection? in connections {
            // Send what is already queued if the socket takes it now, then end the stream with a FIN.
            flush(connection)
            close(connection)
        }
        running = false
    }
}
