import Broadcast
import Dispatch
import Glibc
import Synchronization

/// soak-hub: a hub of the soak's Redis group that also publishes in-process, the way an app embedding the
/// `Broadcast` library does. A background thread broadcasts at a random rate (mean `--rate` per second) to
/// random channels and logs each publish for the soak's ground truth.
///
///   soak-hub --redis HOST:PORT --replay N --rate R --channels C --log FILE
///
/// Log lines: `token channel id sentMs answeredMs` (id `-` when the broadcast threw), flushed per line so a
/// killed run still leaves what was answered. SIGUSR1 stops publishing (the soak's end, so its ground truth is
/// complete when it reads the log); SIGTERM exits.
//
// The signals are blocked before any thread exists, so every thread inherits the mask and only `sigwait`
// below receives them.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
sigaddset(&signals, SIGUSR1)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let settings: [String: String] = {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var pairs: [String: String] = [:]
    while arguments.count >= 2 { pairs[String(arguments.removeFirst().drop { $0 == "-" })] = arguments.removeFirst() }
    return pairs
}()

@MainActor func setting(_ name: String, _ fallback: Int) -> Int { settings[name].flatMap { Int($0) } ?? fallback }

var configuration = HubConfiguration()
configuration.port = 0
configuration.loops = setting("loops", 2)
configuration.replayEvents = setting("replay", 200)
let broadcaster: Broadcaster
do {
    let redis = try RedisAddress(parsing: settings["redis"] ?? "127.0.0.1:6379")
    broadcaster = try Broadcaster.start(configuration, redis: redis)
} catch {
    Output.error("soak-hub: cannot start: \(error)")
    exit(1)
}
// The epoch tells the soak which ids this hub issued itself (during outages) rather than Redis.
Output.line("soak-hub: listening on port \(broadcaster.hub.port) epoch \(broadcaster.hub.epoch)")

let publishing = Atomic<Bool>(true)

/// Broadcasts in-process until `publishing` turns false; logs each publish to `path`.
func publish(_ broadcaster: Broadcaster, rate: Double, channels: Int, path: String) {
    let journal = fopen(path, "w")
    // In-process tokens live above 10^9, HTTP publishers' below, so one number names every event of the run.
    var token = 1_000_000_000
    while publishing.load(ordering: .relaxed) {
        // Exponential gaps: a steady random (Poisson) rate, bursts included.
        let gap = -log1p(-Double.random(in: 0..<1)) / max(rate, 0.001)
        var pause = timespec(tv_sec: Int(gap), tv_nsec: Int((gap - gap.rounded(.down)) * 1e9))
        nanosleep(&pause, nil)
        token += 1
        let channel = "c\(Int.random(in: 0..<channels))"
        let sent = WallClock.millisecondsSinceEpoch()
        let id = try? broadcaster.broadcast(channel: channel, data: "t\(token)")
        let answered = WallClock.millisecondsSinceEpoch()
        fputs("\(token) \(channel) \(id.map(String.init(describing:)) ?? "-") \(sent) \(answered)\n", journal)
        fflush(journal)
    }
}

let (rate, channels, path) = (Double(setting("rate", 20)), setting("channels", 16), settings["log"] ?? "/dev/null")
DispatchQueue(label: "soak-hub-publisher").async { publish(broadcaster, rate: rate, channels: channels, path: path) }

var received: Int32 = 0
while sigwait(&signals, &received) == 0 && received == SIGUSR1 {
    publishing.store(false, ordering: .relaxed)
}
// Exiting without shutdown: the publisher thread may be inside a broadcast; the soak only needs the log.
exit(0)
