import CLinuxSys
import Glibc
import LoadGenCore

/// Publishes `events` events at `rate` per second (0: as fast as the connections go) over keep-alive
/// connections, one request in flight per connection, round-robin over the channels. Event i goes to channel
/// i mod C with sequence i / C + 1, so each channel's events are numbered 1, 2, 3, ...
final class Publisher {
    enum Server: String {
        case hub
        case nchan
    }

    struct Options {
        var host = "127.0.0.1"
        var port = 8080
        var server = Server.hub
        var connections = 4
        var channels = 1
        var events = 100
        var rate = 0.0
        var payload = 128
        var maxSeconds = 300.0
    }

    struct Outcome {
        var acknowledged = 0
        var failed = 0
        var started: UInt64 = 0
        var finished: UInt64 = 0
        var acknowledgements = Histogram()
    }

    private final class Link {
        let fd: Int32
        var response: [UInt8] = []
        var sentAt: UInt64 = 0
        var busy = false
        var dead = false
        init(fd: Int32) { self.fd = fd }
    }

    private let options: Options
    private let poller = Poller()
    private var links: [Link] = []
    private var outcome = Outcome()
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(options: Options) {
        self.options = options
    }

    func run() -> Outcome {
        Net.requireLoopback(options.host)
        for index in 0..<options.connections {
            guard let fd = Net.connect(host: options.host, port: options.port, source: "127.0.0.1") else { continue }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&poller, 1, 5000)
            links.append(Link(fd: fd))
            self.poller.add(fd, index: index, events: EPOLLIN.rawValue)
        }
        var sent = 0
        outcome.started = Proc.monotonicNanoseconds()
        let deadline = outcome.started + UInt64(options.maxSeconds * 1e9)
        let interval = options.rate > 0 ? 1e9 / options.rate : 0
        while outcome.acknowledged + outcome.failed < options.events {
            let now = Proc.monotonicNanoseconds()
            guard now < deadline, links.contains(where: { !$0.dead }) else { break }
            for link in links where !link.busy && !link.dead && sent < options.events {
                let due = outcome.started + UInt64(Double(sent) * interval)
                if due > now { break }
                send(event: sent, on: link, now: now)
                sent += 1
            }
            var wait: Int32 = 50
            if sent < options.events && interval > 0 {
                let due = outcome.started + UInt64(Double(sent) * interval)
                wait = due > now ? Int32(min(50, (due - now) / 1_000_000)) : 0
            }
            poller.wait(milliseconds: wait) { index, _ in receive(links[index]) }
        }
        outcome.finished = Proc.monotonicNanoseconds()
        for link in links { close(link.fd) }
        return outcome
    }

    private func send(event index: Int, on link: Link, now: UInt64) {
        let channel = "c\(index % options.channels)"
        let data = Payload.make(sequence: index / options.channels + 1, sentAt: now, size: options.payload)
        var request: [UInt8]
        switch options.server {
        case .hub:
            let body = Array("channel=\(channel)&data=".utf8) + data
            request = Array(
                "POST /broadcast HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.count)\r\n\r\n"
                    .utf8) + body
        case .nchan:
            request = Array("POST /pub?id=\(channel) HTTP/1.1\r\nHost: bench\r\nContent-Length: \(data.count)\r\n\r\n".utf8)
            request += data
        }
        link.busy = true
        link.sentAt = now
        if !Net.send(link.fd, request) {
            link.dead = true
            outcome.failed += 1
        }
    }

    private func receive(_ link: Link) {
        let count = buffer.withUnsafeMutableBytes { recv(link.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EAGAIN { return }
        guard count > 0 else {
            if link.busy { outcome.failed += 1 }
            link.dead = true
            poller.remove(link.fd)
            return
        }
        link.response.append(contentsOf: buffer[0..<count])
        while let (status, length) = completeResponse(link.response) {
            link.response.removeFirst(length)
            let now = Proc.monotonicNanoseconds()
            if (200..<300).contains(status) { outcome.acknowledged += 1 } else { outcome.failed += 1 }
            outcome.acknowledgements.record(now - link.sentAt)
            link.busy = false
        }
    }

    /// The status and total length of the first complete response in `bytes`, if it is all there.
    private func completeResponse(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count >= 12 else { return nil }
        var end = -1
        for index in 0..<(bytes.count - 3)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            end = index + 4
            break
        }
        guard end > 0 else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).lowercased()
        let status = Int(head.split(separator: " ")[1]) ?? 0
        if head.contains("transfer-encoding: chunked") {
            // Find the terminating zero-size chunk.
            let tail = Array("\r\n0\r\n\r\n".utf8)
            var index = end - 2
            while index + tail.count <= bytes.count {
                if Array(bytes[index..<(index + tail.count)]) == tail { return (status, index + tail.count) }
                index += 1
            }
            return nil
        }
        var length = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
        }
        return bytes.count >= end + length ? (status, end + length) : nil
    }
}
