import CLinuxSys
import Glibc
import LoadGenCore

/// One subscriber process: opens its share of the SSE connections, reports when all are established, then
/// checks every event it receives until each connection has all its channel's events or time runs out.
///
/// Talks to the coordinator over stdin/stdout: prints `ready ...` once connected, reads `finish SECONDS` (the
/// grace to wait for stragglers), prints one `result ...` line and exits.
final class SubscriberWorker {
    struct Options {
        var host = "127.0.0.1"
        var port = 8080
        var pathTemplate = "/events/{channel}"
        var channels = 1
        var count = 1
        var offset = 0
        var sources = 4
        var events = 0
        var maxSeconds = 900.0
    }

    private final class Subscription {
        let fd: Int32
        let channel: Int
        var headDone = false
        var head: [UInt8] = []
        var parser = StreamParser()
        var ledger: DeliveryLedger
        var closed = false

        init(fd: Int32, channel: Int, expected: Int) {
            self.fd = fd
            self.channel = channel
            ledger = DeliveryLedger(expected: expected)
        }
    }

    private let options: Options
    private let poller = Poller()
    private var subscriptions: [Subscription?] = []
    private var histogram = Histogram()
    private var established = 0
    private var failed = 0
    private var closedEarly = 0
    private var complete = 0
    private var firstDelivery: UInt64 = 0
    private var lastDelivery: UInt64 = 0
    private var buffer = [UInt8](repeating: 0, count: 65536)
    private static let stdinIndex = Int(Int32.max)

    init(options: Options) {
        self.options = options
    }

    static func expected(channel: Int, events: Int, channels: Int) -> Int {
        events / channels + (channel < events % channels ? 1 : 0)
    }

    func run() {
        Net.requireLoopback(options.host)
        let started = Proc.monotonicNanoseconds()
        connectAll()
        let connectSeconds = Double(Proc.monotonicNanoseconds() - started) / 1e9
        say("ready \(connectSeconds) \(established) \(failed) \(Proc.ownCPUSeconds())")
        poller.add(0, index: Self.stdinIndex, events: EPOLLIN.rawValue)
        var finishDeadline: UInt64?
        let hardDeadline = started + UInt64(options.maxSeconds * 1e9)
        while true {
            let now = Proc.monotonicNanoseconds()
            if complete + closedEarly + failed >= options.count && options.events > 0 { break }
            if let deadline = finishDeadline, now >= deadline { break }
            if now >= hardDeadline { break }
            poller.wait(milliseconds: 100) { index, _ in
                if index == Self.stdinIndex {
                    if let grace = readFinish() {
                        finishDeadline = Proc.monotonicNanoseconds() + UInt64(grace * 1e9)
                    }
                } else {
                    readable(index)
                }
            }
        }
        report()
    }

    /// Opens every connection, keeping at most 512 handshakes in flight so the server's backlog never
    /// overflows, and waits for each response head.
    private func connectAll() {
        var next = 0
        let deadline = Proc.monotonicNanoseconds() + 120_000_000_000
        while established + failed < options.count && Proc.monotonicNanoseconds() < deadline {
            // In flight: started, not yet answered or failed.
            while next < options.count && next - established - failed < 512 {
                let global = options.offset + next
                let source = "127.0.0.\(2 + global % max(1, options.sources))"
                let channel = global % options.channels
                if let fd = Net.connect(host: options.host, port: options.port, source: source) {
                    let expected = Self.expected(channel: channel, events: options.events, channels: options.channels)
                    subscriptions.append(Subscription(fd: fd, channel: channel, expected: expected))
                    poller.add(fd, index: subscriptions.count - 1, events: EPOLLOUT.rawValue)
                } else {
                    subscriptions.append(nil)
                    failed += 1
                }
                next += 1
            }
            poller.wait(milliseconds: 100) { index, flags in
                guard let subscription = subscriptions[index] else { return }
                if !subscription.headDone && flags & EPOLLOUT.rawValue != 0 {
                    sendRequest(subscription, index: index)
                } else {
                    readable(index)
                }
            }
        }
    }

    private func sendRequest(_ subscription: Subscription, index: Int) {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(subscription.fd, SOL_SOCKET, SO_ERROR, &error, &length)
        let path = options.pathTemplate.replacing("{channel}", with: "c\(subscription.channel)")
        let request = "GET \(path) HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"
        guard error == 0, Net.send(subscription.fd, Array(request.utf8)) else {
            fail(index)
            return
        }
        poller.modify(subscription.fd, index: index, events: EPOLLIN.rawValue)
    }

    private func fail(_ index: Int) {
        guard let subscription = subscriptions[index], !subscription.closed else { return }
        subscription.closed = true
        poller.remove(subscription.fd)
        close(subscription.fd)
        if subscription.headDone { closedEarly += 1 } else { failed += 1 }
    }

    private func readable(_ index: Int) {
        guard let subscription = subscriptions[index], !subscription.closed else { return }
        let count = buffer.withUnsafeMutableBytes { recv(subscription.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EAGAIN { return }
        guard count > 0 else {
            fail(index)
            return
        }
        let now = Proc.monotonicNanoseconds()
        var start = 0
        if !subscription.headDone {
            subscription.head.append(contentsOf: buffer[0..<count])
            guard let end = HTTPHead.end(in: subscription.head) else { return }
            guard subscription.head.starts(with: "HTTP/1.1 200".utf8) else {
                fail(index)
                return
            }
            subscription.headDone = true
            established += 1
            start = count - (subscription.head.count - end)
            subscription.head = []
        }
        let wasComplete = subscription.ledger.isComplete
        buffer.withUnsafeBytes { bytes in
            subscription.parser.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<count])) { data, _, _ in
                guard let (sequence, sentAt) = Payload.parse(data) else { return }
                subscription.ledger.record(sequence: sequence)
                histogram.record(now > sentAt ? now - sentAt : 0)
                if firstDelivery == 0 { firstDelivery = now }
                lastDelivery = now
            }
        }
        if !wasComplete && subscription.ledger.isComplete && options.events > 0 { complete += 1 }
    }

    private func readFinish() -> Double? {
        var line = [UInt8](repeating: 0, count: 256)
        let count = read(0, &line, line.count)
        guard count > 0 else { return 0 }
        let text = String(decoding: line[0..<count], as: UTF8.self)
        return Double(text.split(separator: " ").last?.split(separator: "\n").first ?? "0") ?? 0
    }

    private func report() {
        var delivered = 0
        var expected = 0
        var duplicates = 0
        var outOfOrder = 0
        var unexpected = 0
        for case let subscription? in subscriptions {
            delivered += subscription.ledger.delivered
            expected += subscription.ledger.expected
            duplicates += subscription.ledger.duplicates
            outOfOrder += subscription.ledger.outOfOrder
            unexpected += subscription.ledger.unexpected
        }
        say(
            "result delivered=\(delivered) expected=\(expected) duplicates=\(duplicates) outOfOrder=\(outOfOrder)"
                + " unexpected=\(unexpected) failed=\(failed) closedEarly=\(closedEarly) first=\(firstDelivery)"
                + " last=\(lastDelivery) cpu=\(Proc.ownCPUSeconds()) histogram=\(histogram.serialized)")
    }

    private func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
