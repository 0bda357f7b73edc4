import CLinuxSys
import Glibc
import LoadGenCore

/// A worker process's subscribers: each holds one channel for the whole run, and reconnects to either hub
/// at random with `Last-Event-ID`, after disconnecting at random (exponential lifetimes) or being cut off.
/// One thread, one epoll. Spoken to over stdin: `calm` (no more random disconnects), `check FILE` (judge
/// every log against the truth in FILE, print the tally, exit).
final class SubscriberPool {
    struct Options {
        var ports: [Int] = []
        var channels = 16
        var count = 100
        var offset = 0
        var meanLifeSeconds = 30.0
    }

    private enum Phase { case waiting(until: UInt64), connecting, head, stream }

    private final class Subscriber {
        var log: SubscriberLog
        var phase = Phase.waiting(until: 0)
        var fd: Int32 = -1
        var head: [UInt8] = []
        var reader = StreamParser()
        var lastEventID: String?
        var lastReceived: UInt64 = 0
        var disconnectAt: UInt64 = .max
        var phaseSince: UInt64 = 0

        init(channel: Int) { log = SubscriberLog(channel: channel) }
    }

    private let options: Options
    private var subscribers: [Subscriber] = []
    private let epoll = epoll_create1(0)
    private var calm = false
    private var buffer = [UInt8](repeating: 0, count: 65536)
    private static let stdinIndex = UInt64(Int32.max)

    init(options: Options) {
        self.options = options
        let now = Sys.now()
        for index in 0..<options.count {
            let subscriber = Subscriber(channel: (options.offset + index) % options.channels)
            // Spread the first connects over 3 s so the hubs' accept queues never overflow.
            subscriber.phase = .waiting(until: now + UInt64.random(in: 0...3000))
            subscribers.append(subscriber)
        }
    }

    func run() -> Never {
        var event = clinux_epoll_event(EPOLLIN.rawValue, Self.stdinIndex)
        epoll_ctl(epoll, EPOLL_CTL_ADD, 0, &event)
        var events = [epoll_event](repeating: epoll_event(), count: 512)
        var lastScan: UInt64 = 0
        while true {
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, 512, 50) }
            for slot in 0..<max(0, Int(count)) {
                let (data, flags) = withUnsafePointer(to: &events[slot]) {
                    (clinux_epoll_data($0), clinux_epoll_events($0))
                }
                if data == Self.stdinIndex { command() } else { ready(Int(data), flags: flags) }
            }
            let now = Sys.now()
            if now - lastScan >= 100 {
                lastScan = now
                for index in subscribers.indices { tick(index, now: now) }
            }
        }
    }

    private func tick(_ index: Int, now: UInt64) {
        let subscriber = subscribers[index]
        switch subscriber.phase {
        case .waiting(let until) where now >= until: connect(index, now: now)
        case .stream where !calm && now >= subscriber.disconnectAt: disconnect(index, now: now, leaving: true)
        case .connecting, .head:
            // A connect or head that takes 10 s is given up and retried, so no subscriber waits forever.
            if now - subscriber.phaseSince > 10_000 { disconnect(index, now: now) }
        default: break
        }
    }

    private func connect(_ index: Int, now: UInt64) {
        let subscriber = subscribers[index]
        let hub = Int.random(in: 0..<options.ports.count)
        guard let fd = Sys.connect(port: options.ports[hub], blocking: false) else {
            subscriber.phase = .waiting(until: now + 500)
            return
        }
        subscriber.fd = fd
        subscriber.phase = .connecting
        subscriber.phaseSince = now
        subscriber.head = []
        subscriber.reader = StreamParser()
        subscriber.log.sessions.append(
            .init(hub: hub, lastEventID: subscriber.lastEventID, start: now, gapStart: subscriber.lastReceived))
        var event = clinux_epoll_event(EPOLLOUT.rawValue, UInt64(index))
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
    }

    /// Ends the current connection (ours or the hub's doing) and schedules the reconnect, as a browser's
    /// `retry:` would. One random disconnect in ten (`leaving`) stays away 5-40 s, a laptop lid closed: long
    /// enough for some gaps to outgrow the replay ring and stream, so both exact resumes and resets happen.
    private func disconnect(_ index: Int, now: UInt64, leaving: Bool = false) {
        let subscriber = subscribers[index]
        if subscriber.fd >= 0 {
            epoll_ctl(epoll, EPOLL_CTL_DEL, subscriber.fd, nil)
            close(subscriber.fd)
            subscriber.fd = -1
        }
        if !subscriber.log.sessions.isEmpty { subscriber.log.sessions[subscriber.log.sessions.count - 1].end = now }
        let away: ClosedRange<UInt64> =
            calm ? 0...200 : leaving && Int.random(in: 0..<10) == 0 ? 5000...40_000 : 100...2000
        subscriber.phase = .waiting(until: now + UInt64.random(in: away))
    }

    private func ready(_ index: Int, flags: UInt32) {
        let subscriber = subscribers[index]
        let now = Sys.now()
        if case .connecting = subscriber.phase {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(subscriber.fd, SOL_SOCKET, SO_ERROR, &error, &length)
            let channel = "c\(subscriber.log.channel)"
            let resume = subscriber.lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? ""
            let request = "GET /events/\(channel) HTTP/1.1\r\nHost: soak\r\nAccept: text/event-stream\r\n\(resume)\r\n"
            let bytes = Array(request.utf8)
            let sent = bytes.withUnsafeBytes { send(subscriber.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard error == 0, sent == bytes.count else { return disconnect(index, now: now) }
            subscriber.phase = .head
            var event = clinux_epoll_event(EPOLLIN.rawValue, UInt64(index))
            epoll_ctl(epoll, EPOLL_CTL_MOD, subscriber.fd, &event)
            return
        }
        let count = buffer.withUnsafeMutableBytes { recv(subscriber.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EAGAIN { return }
        guard count > 0 else { return disconnect(index, now: now) }
        var start = 0
        if case .head = subscriber.phase {
            subscriber.head += buffer[0..<count]
            guard let end = HTTPHead.end(in: subscriber.head) else { return }
            guard subscriber.head.starts(with: "HTTP/1.1 200".utf8) else { return disconnect(index, now: now) }
            start = count - (subscriber.head.count - end)
            subscriber.phase = .stream
            subscriber.log.sessions[subscriber.log.sessions.count - 1].head = now
            let life = -log1p(-Double.random(in: 0..<1)) * options.meanLifeSeconds
            subscriber.disconnectAt = now + UInt64(life * 1000)
        }
        let session = Int32(subscriber.log.sessions.count - 1)
        buffer.withUnsafeBytes { raw in
            subscriber.reader.feed(UnsafeRawBufferPointer(rebasing: raw[start..<count])) { data, name, lastEventID in
                // The hub sends an id with every event, so the last event ID is this event's.
                let id = lastEventID.isEmpty ? nil : String(decoding: lastEventID, as: UTF8.self)
                if let id { subscriber.lastEventID = id }
                subscriber.lastReceived = now
                let soakID = id.flatMap { SoakID($0) }
                if name.elementsEqual("reset".utf8) {
                    subscriber.log.resets.append(
                        .init(
                            id: soakID, kind: ResetKind(data: String(decoding: data, as: UTF8.self)),
                            session: Int(session), time: now, receiptsBefore: subscriber.log.receipts.count))
                } else if data.first == UInt8(ascii: "t"),
                    let token = Int(String(decoding: data.dropFirst(), as: UTF8.self))
                {
                    subscriber.log.receipts.append(.init(token: token, id: soakID, time: now, session: session))
                } else {
                    subscriber.log.foreign += 1
                }
            }
        }
    }

    private func command() {
        var line = [UInt8](repeating: 0, count: 4096)
        let count = read(0, &line, line.count)
        guard count > 0 else { exit(1) }
        for text in String(decoding: line[0..<count], as: UTF8.self).split(separator: "\n") { obey(text) }
    }

    private func obey(_ text: Substring) {
        if text == "calm" {
            calm = true
            // Those away come back now, so the tail can check that every resume catches up.
            let now = Sys.now()
            for subscriber in subscribers {
                if case .waiting = subscriber.phase {
                    subscriber.phase = .waiting(until: now + UInt64.random(in: 0...200))
                }
            }
        } else if text.hasPrefix("check ") {
            let checker = Checker(truth: Truth(text: Sys.readFile(String(text.dropFirst(6)))))
            var tally = Checker.Tally()
            var dumps: [String] = []
            for (index, subscriber) in subscribers.enumerated() {
                let before = (tally.lost, tally.duplicates, tally.reordered, tally.unjustified)
                checker.check(subscriber.log, index: options.offset + index, into: &tally)
                // The whole log of the first few subscribers with a finding: enough to trace it by hand.
                if dumps.count < 3 && before != (tally.lost, tally.duplicates, tally.reordered, tally.unjustified) {
                    dumps.append("sub=\(options.offset + index) " + subscriber.log.dump)
                }
            }
            for example in tally.examples { say("example " + example) }
            for dump in dumps { say("dump " + dump) }
            // Distinct tokens, so the driver can count them over both workers (at most a few per outage).
            for token in tally.ranTwice.sorted().prefix(100_000) { say("twice \(token)") }
            let dumped = (getenv("SOAK_DUMP").map { String(cString: $0) } ?? "").split(separator: ",").compactMap {
                Int($0)
            }
            for index in dumped where index >= options.offset && index < options.offset + subscribers.count {
                say("dump sub=\(index) " + subscribers[index - options.offset].log.dump)
            }
            say(tally.line)
            exit(0)
        }
    }

    private func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
