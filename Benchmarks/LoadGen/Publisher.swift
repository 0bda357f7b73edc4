import CLinuxSys
import Glibc
import LoadGenCore

/// Publishes `events` events at `rate` per second (0: as fast as the connections go) over keep-alive
/// connections, round-robin over the channels. Event i goes to channel i mod C with sequence i / C + 1, so each
/// channel's events are numbered 1, 2, 3, ...
///
/// Publishes on different connections have no defined order, so every channel's events travel on one
/// connection (channel mod K), pipelined: HTTP/1.1 answers pipelined requests in order. Paced runs allow 256 in
/// flight per connection; as-fast-as-possible runs `pipeline` (a single-threaded client with one request in
/// flight per connection measures its own round trips, not the server).
final class Publisher {
    enum Server: String {
        case hub
        case nchan
        /// A hub of a Redis group: published like a hub.
        case hubRedis = "hub-redis"
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
        /// Requests in flight per connection when publishing as fast as possible.
        var pipeline = 16
        /// A header line sent with every publish (`Authorization: Bearer ...`, to measure auth); empty: none.
        var header = ""
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
        /// Send times of the requests in flight, oldest first.
        var inFlight: [UInt64] = []
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
            guard now < deadline, !links.isEmpty, links.contains(where: { !$0.dead }) else { break }
            let window = options.rate > 0 ? 256 : options.pipeline
            while sent < options.events {
                let due = outcome.started + UInt64(Double(sent) * interval)
                let link = links[(sent % options.channels) % links.count]
                // The next event waits for its own connection, which keeps its channel in order.
                guard due <= now, !link.dead, link.inFlight.count < window else { break }
                send(event: sent, on: link, now: now)
                sent += 1
            }
            // Sleep until the next event is due (rounded up to a whole millisecond, never 0: a zero timeout
            // would spin a core the servers need), or until a response frees a connection.
            var wait: Int32 = 50
            if sent < options.events && interval > 0 {
                let due = outcome.started + UInt64(Double(sent) * interval)
                if due > now { wait = Int32(min(50, (due - now + 999_999) / 1_000_000)) }
            }
            poller.wait(milliseconds: wait) { index, _ in receive(links[index]) }
        }
        outcome.finished = Proc.monotonicNanoseconds()
        for link in links { close(link.fd) }
        return outcome
    }

    private var extraHeader: String { options.header.isEmpty ? "" : options.header + "\r\n" }

    private func send(event index: Int, on link: Link, now: UInt64) {
        let channel = "c\(index % options.channels)"
        let data = Payload.make(sequence: index / options.channels + 1, sentAt: now, size: options.payload)
        var request: [UInt8]
        switch options.server {
        case .hub, .hubRedis:
            let body = Array("channel=\(channel)&data=".utf8) + data
            request =
                Array(
                    "POST /broadcast HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\n\(extraHeader)Content-Length: \(body.count)\r\n\r\n"
                        .utf8) + body
        case .nchan:
            request = Array(
                "POST /pub?id=\(channel) HTTP/1.1\r\nHost: bench\r\nContent-Length: \(data.count)\r\n\r\n".utf8)
            request += data
        }
        link.inFlight.append(now)
        if !Net.send(link.fd, request) {
            link.dead = true
            outcome.failed += 1
        }
    }

    private func receive(_ link: Link) {
        let count = buffer.withUnsafeMutableBytes { recv(link.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EAGAIN { return }
        guard count > 0 else {
            outcome.failed += link.inFlight.count
            link.dead = true
            poller.remove(link.fd)
            return
        }
        link.response.append(contentsOf: buffer[0..<count])
        var offset = 0
        while let (status, length) = completeResponse(link.response, from: offset) {
            offset += length
            let now = Proc.monotonicNanoseconds()
            if (200..<300).contains(status) { outcome.acknowledged += 1 } else { outcome.failed += 1 }
            outcome.acknowledgements.record(now - link.inFlight.removeFirst())
        }
        link.response.removeFirst(offset)
    }

    /// The status and length of the complete response starting at `start`, if it is all there. Byte-level:
    /// the generator must cost far less per response than the servers it measures.
    private func completeResponse(_ bytes: [UInt8], from start: Int) -> (Int, Int)? {
        guard bytes.count - start >= 16 else { return nil }
        var end = -1
        var index = start
        while index + 3 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                end = index + 4
                break
            }
            index += 1
        }
        guard end > 0 else { return nil }
        let status =
            (Int(bytes[start + 9]) - 48) * 100 + (Int(bytes[start + 10]) - 48) * 10 + Int(bytes[start + 11]) - 48
        if let length = Self.contentLength(bytes, start..<end) {
            return bytes.count >= end + length ? (status, end - start + length) : nil
        }
        // Chunked: find the terminating zero-size chunk.
        let tail: [UInt8] = [13, 10, 48, 13, 10, 13, 10]
        index = end - 2
        while index + tail.count <= bytes.count {
            if bytes[index..<(index + tail.count)].elementsEqual(tail) { return (status, index + tail.count - start) }
            index += 1
        }
        return nil
    }

    private static let contentLengthName = Array("content-length:".utf8)

    /// The Content-Length value in a head, matched without allocating.
    private static func contentLength(_ bytes: [UInt8], _ head: Range<Int>) -> Int? {
        let name = contentLengthName
        var index = head.lowerBound
        while index + name.count < head.upperBound {
            var matches = true
            for offset in 0..<name.count where bytes[index + offset] | 0x20 != name[offset] | 0x20 {
                matches = false
                break
            }
            if matches {
                var cursor = index + name.count
                while bytes[cursor] == 32 { cursor += 1 }
                var value = 0
                while cursor < head.upperBound, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                    value = value * 10 + Int(bytes[cursor] - 48)
                    cursor += 1
                }
                return value
            }
            index += 1
        }
        return nil
    }
}
