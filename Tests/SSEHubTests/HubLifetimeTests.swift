import Broadcast
import DemoApp
import Testing

/// A hub that is shut down and let go is freed, with whatever was attached to it: in-process users start and
/// stop hubs (tests, embedding apps) and must not leak one per start.
@Suite struct HubLifetimeTests {
    @Test func aShutDownHubIsFreed() throws {
        weak var released: Hub?
        do {
            var configuration = HubConfiguration()
            configuration.port = 0
            let hub = try Hub.start(configuration)
            _ = try hub.subscribe(channels: ["a", "b"])
            released = hub
            hub.shutdown()
        }
        #expect(released == nil)
    }

    @Test func aShutDownHubWithARedisBridgeIsFreedWithItsBridge() throws {
        let redis = try RedisServer()
        weak var releasedHub: Hub?
        weak var releasedBridge: RedisBridge?
        do {
            var configuration = HubConfiguration()
            configuration.port = 0
            let hub = try Hub.start(configuration)
            let bridge = RedisBridge.attach(
                to: hub, address: try RedisAddress(parsing: "127.0.0.1:\(redis.port)"),
                timings: RedisGroupTests.fastTimings)
            try eventually("the bridge connected") { bridge.isReady }
            // A stream makes the bridge subscribe, so its subscriber connection is in use at shutdown.
            let client = try SSEClient(port: hub.port, path: "/events/news")
            try client.readHead()
            try eventually("the hub subscribed in Redis") {
                (try? redis.command("PUBSUB NUMSUB ssehub:channel:news"))?.contains(":1\r\n") == true
            }
            releasedHub = hub
            releasedBridge = bridge
            hub.shutdown()
        }
        #expect(releasedHub == nil)
        #expect(releasedBridge == nil)
    }

    /// The demo site follows presence on the hub it serves; the hub must still be freed after `shutdown` (a
    /// strong capture made every `hub` process leak at exit, which LeakSanitizer reported as exit status 1).
    @Test func aShutDownHubServingTheDemoSiteIsFreed() throws {
        weak var released: Hub?
        var settings = DemoSettings()
        settings.databasePath = SQLiteDatabaseFile.fresh()
        let site = try DemoSite.open(settings)
        defer { site.shutdown() }
        do {
            var configuration = HubConfiguration()
            configuration.port = 0
            let broadcaster = try Broadcaster.start(configuration) { site.register(in: &$0) }
            site.followPresence(on: broadcaster)
            let client = try SSEClient(port: broadcaster.hub.port, path: "/events/news")
            try client.readHead()
            released = broadcaster.hub
            broadcaster.shutdown()
        }
        #expect(released == nil)
    }

    /// After a request the site answered from its worker pool (a sign-up), the hub is still freed: the run job
    /// held the answer path, and through it the hub, whose routes hold the site and its pool.
    @Test func aHubIsFreedAfterItsSiteAnsweredFromTheWorkerPool() throws {
        weak var released: Hub?
        var settings = DemoSettings()
        settings.databasePath = SQLiteDatabaseFile.fresh()
        settings.workers = 1
        let site = try DemoSite.open(settings)
        defer { site.shutdown() }
        do {
            var configuration = HubConfiguration()
            configuration.port = 0
            configuration.templatesDirectory = DemoSiteTests.webRoot + "/templates"
            let hub = try Hub.start(configuration) { site.register(in: &$0) }
            let browser = TestBrowser(port: hub.port)
            #expect(try AccountPagesTests().signUp(browser, email: "freed@example.com").status == 303)
            released = hub
            hub.shutdown()
        }
        site.shutdown()
        #expect(released == nil, "the site's worker pool keeps the hub alive")
    }
}
