import Glibc
import Synchronization

/// Publishes over `POST /broadcast` into one hub at a random (Poisson) rate to random channels, and logs each
/// publish with the id the hub answered: part of the ground truth. One thread per hub, so a hub stuck on a
/// frozen Redis never slows the other's publishes.
final class HTTPPublisher: Sendable {
    private let port: Int
    private let hub: Int
    private let rate: Double
    private let channels: Int
    private let tokens: Atomic<Int>
    private let log = Mutex<[Published]>([])
    let failures = Atomic<Int>(0)
    private let running = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)

    /// `firstToken`: where this publisher's tokens start (each publisher has its own range below 10^9).
    init(port: Int, hub: Int, rate: Double, channels: Int, firstToken: Int) {
        self.port = port
        self.hub = hub
        self.rate = rate
        self.channels = channels
        tokens = Atomic(firstToken)
    }

    var published: [Published] { log.withLock { $0 } }

    func run() {
        defer { finished.store(true, ordering: .releasing) }
        while running.load(ordering: .relaxed) {
            Sys.sleep(seconds: -log1p(-Double.random(in: 0..<1)) / rate)
            let token = tokens.add(1, ordering: .relaxed).newValue
            let channel = Int.random(in: 0..<channels)
            let sent = Sys.now()
            let answer = HTTPCall.request(
                port: port, method: "POST", path: "/broadcast", body: "channel=c\(channel)&data=t\(token)")
            let answered = Sys.now()
            let id = answer.flatMap { $0.status == 200 ? HTTPCall.eventID(in: $0.body) : nil }.flatMap { SoakID($0) }
            if id == nil { failures.add(1, ordering: .relaxed) }
            let event = Published(token: token, channel: channel, id: id, hub: hub, sent: sent, answered: answered)
            log.withLock { $0.append(event) }
        }
    }

    /// Stops after the publish in flight; returns once it has been logged (at most the request's timeout).
    func stop() {
        running.store(false, ordering: .relaxed)
        for _ in 0..<150 where !finished.load(ordering: .acquiring) { Sys.sleep(seconds: 0.1) }
    }
}
