import Glibc
import Synchronization

/// A running hub: its loops, its channels and its route table. Safe to use from any thread.
///
/// Loops own connections and per-loop subscriber lists; the hub owns what loops share: the channel table
/// (under one publish lock) and the counters.
public final class Hub: Sendable {
    /// The settings the hub was started with.
    public let configuration: HubConfiguration
    /// The port the hub listens on (the real one when configured with port 0).
    public let port: Int
    /// Wall-clock milliseconds at boot: the first part of every event id this run issues.
    public let epoch: UInt64
    let startedAt: UInt64
    let table: Mutex<ChannelTable>
    let loops: [LoopHandle]
    let router: Router
    /// The templates rendered broadcasts may name, if the hub was configured with a directory.
    public let templates: TemplateLibrary?
    /// JWT checks of streams and publishes, when a secret or key is configured.
    let tokenGate: TokenGate?
    let stats = HubStats()
    /// Shared by every loop; closed once they have all stopped.
    private let listener: Int32
    private let threads = Mutex<[OSThread]>([])
    private let stopped = Atomic<Bool>(false)
    let relayBox = Mutex<PublishRelay?>(nil)
    let presenceObservers = PresenceObservers()
    let deliveryWaiters = DeliveryWaiters()
    /// Drain state: readiness, the listener's closing, and the wake-up of `waitUntilDrained` (Hub+Drain).
    let drainState = DrainState()

    /// Opens the listeners, starts `configuration.loops` loop threads and returns once the hub accepts
    /// connections. `routes` adds routes besides the hub's own (`/events`, `/broadcast`, `/health`).
    /// - Parameters:
    ///   - configuration: every setting; the defaults listen on 127.0.0.1:8080.
    ///   - routes: adds the app's routes and middleware (middleware wraps the hub's own routes too).
    /// - Throws: `SystemError` when the listener or a loop cannot be set up (the port is taken, say);
    ///   `TemplateError` when `configuration.templatesDirectory` holds a template that does not parse or names
    ///   a missing partial; `AuthConfigurationError` for a JWT key or secret or a CORS origin that cannot be
    ///   used.
    public static func start(
        _ configuration: HubConfiguration = HubConfiguration(), routes: (inout RouterBuilder) -> Void = { _ in }
    ) throws -> Hub {
        // A client that disconnects mid-write must be an EPIPE error, not a signal that ends the process.
        signal(SIGPIPE, SIG_IGN)
        var builder = RouterBuilder()
        HubRoutes.register(in: &builder)
        AdminRoutes.register(in: &builder)
        // CORS and JWT wrap the app's middleware (first added is outermost): CORS marks every answer, the gate
        // checks every stream, also one an app's own check lets open later.
        let tokenGate = try HubAccess.install(configuration, in: &builder)
        routes(&builder)
        let templates = try configuration.templatesDirectory.map {
            try TemplateLibrary(directory: $0, reloadsChangedFiles: configuration.reloadTemplates)
        }
        let hub = try Hub(
            configuration: configuration, router: builder.build(), templates: templates, tokenGate: tokenGate)
        hub.startThreads()
        return hub
    }

    private init(
        configuration: HubConfiguration, router: Router, templates: TemplateLibrary?, tokenGate: TokenGate?
    ) throws {
        precondition(configuration.loops >= 1, "a hub needs at least one loop")
        let loopCount = configuration.loops
        let listener = try Socket.listen(
            host: configuration.host, port: configuration.port, backlog: Int32(configuration.listenBacklog))
        do {
            self.port = try Socket.localPort(listener)
            self.loops = try (0..<loopCount).map { try LoopHandle(index: $0) }
        } catch {
            Socket.close(listener)
            throw error
        }
        self.listener = listener
        self.configuration = configuration
        self.router = router
        self.templates = templates
        self.tokenGate = tokenGate
        self.epoch = WallClock.bootStamp()
        self.startedAt = MonotonicClock.now()
        self.table = Mutex(
            ChannelTable(
                epoch: epoch, loopCount: loopCount,
                replayLimits: .init(
                    events: configuration.replayEvents, bytesPerChannel: configuration.replayBytesPerChannel,
                    bytesTotal: configuration.replayBytesTotal),
                maxChannels: configuration.maxChannels))
    }

    private func startThreads() {
        let started = loops.map { handle in
            OSThread(name: "hub-loop-\(handle.index)") { [self] in
                do {
                    let loop = try EventLoop(hub: self, handle: handle, listener: listener)
                    loop.run()
                } catch {
                    fatalError("event loop \(handle.index) could not start: \(error)")
                }
            }
        }
        threads.withLock { $0 = started }
    }

    /// Stops accepting, ends every stream, returns when every loop thread has finished, and lets go of the
    /// relay (a shut-down hub no longer reaches its group). Idempotent.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // A drain step after this has no loop to talk to.
        drainState.stoppedAccepting.store(true, ordering: .releasing)
        finishStreams()
        for loop in loops { loop.send(.shutdown) }
        let running = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in running { thread.join() }
        closeListener()
        // A relay holds its hub to reach it from any thread; letting it go here ends that cycle, so a stopped hub
        // and its relay are freed once their users let go of them.
        relayBox.withLock { $0 = nil }
    }

    /// Closes the listening socket once (a drain closes it early, so new connections are refused rather than
    /// queued); only after every loop has stopped watching it, so no loop can see its number reused.
    func closeListener() {
        guard !drainState.listenerClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Socket.close(listener)
    }

    /// Seconds since the hub started.
    public var uptime: Double {
        Double(MonotonicClock.now() - startedAt) / 1e9
    }
}
