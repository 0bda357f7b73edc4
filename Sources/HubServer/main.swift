import Broadcast
import DemoApp
import Glibc

func existingDirectory(_ path: String) -> String? {
    FileSystem.isDirectory(path) ? path : nil
}

/// `hub`: reads its settings, starts the hub, and runs until SIGTERM or SIGINT, then drains and shuts down.
let environment = ProcessEnvironment.current()
switch ConfigurationLoader.load(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment) {
case .help(let text):
    Output.line(text)
    exit(0)
case .invalid(let message):
    Output.error("hub: \(message)")
    exit(2)
case .run(let server):
    // The hub is let go before the process exits, so a leak checker sees everything freed.
    exit(serve(server))
}

/// Runs the hub until SIGTERM or SIGINT, then drains it (`SignalDrain`); returns the exit status.
func serve(_ server: ServerConfiguration) -> Int32 {
    Log.format = server.logFormat
    var configuration = server.hub
    configuration.templatesDirectory = server.templates ?? existingDirectory(server.webRoot + "/templates")
    // Block the stop signals before any loop thread exists, so threads inherit the mask and only
    // `sigwait` below receives them.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGTERM)
    sigaddset(&signals, SIGINT)
    pthread_sigmask(SIG_BLOCK, &signals, nil)

    let site: DemoSite
    do {
        site = try DemoSite.open(server.demo)
    } catch {
        Log.error("hub", "cannot open the demo database \(server.demo.databasePath): \(error)")
        return 1
    }
    defer { site.shutdown() }
    let broadcaster: Broadcaster
    do {
        let files = StaticFiles(root: server.webRoot + "/static")
        broadcaster = try Broadcaster.start(
            configuration, redis: server.redis, redisPrefix: server.redisPrefix,
            redisTimings: server.redisTimings
        ) {
            router in
            files.register(in: &router)
            site.register(in: &router)
            DebugRoutes(access: DebugAccess(token: configuration.adminToken, secureCookies: server.demo.secureCookies))
                .register(in: &router)
        }
    } catch let error as TemplateError {
        // file:line:column: what is wrong, on one line.
        Log.error("hub", "\(error)")
        return 1
    } catch {
        Log.error("hub", "cannot start on \(configuration.host):\(configuration.port): \(error)")
        return 1
    }
    site.followPresence(on: broadcaster)
    // RFC 3986 §3.2.2: an IPv6 literal in a URL goes in brackets.
    let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
    Log.info(
        "hub", "listening on http://\(host):\(broadcaster.hub.port) with \(configuration.loops) loops",
        [
            ("host", .string(configuration.host)), ("port", .number(Double(broadcaster.hub.port))),
            ("loops", .number(Double(configuration.loops))), ("version", .string(Hub.version)),
        ])
    var received: Int32 = 0
    sigwait(&signals, &received)
    var drain = SignalDrain(hub: broadcaster.hub, signals: signals)
    drain.run(after: received)
    Log.info("hub", "stopped")
    return 0
}
