import Dispatch
import Glibc
import Synchronization

/// One public board with `subscribers` live streams and one writer creating cards as fast as the site takes
/// them for `seconds`: writes/s, the time from sending a write to each stream receiving its card (p50/p99 over
/// every delivery), and the hub's CPU per write. Each card's title carries its number, so a delivery is matched
/// to its write; every stream must receive every card once.
struct BoardFanout {
    let port: Int
    let hubPID: Int32
    let subscribers: Int
    let seconds: Double

    func run(owner: PageClient, csrf: String, boardID: Int) {
        let streams = (0..<subscribers).compactMap { _ in
            StreamReader.open(port: port, path: "/events/board:\(boardID)")
        }
        guard streams.count == subscribers else {
            print("{\"phase\": \"board\", \"error\": \"only \(streams.count) of \(subscribers) streams opened\"}")
            return
        }
        let sentAt = Mutex<[Int: Double]>([:])
        let latencies = Mutex<[Double]>([])
        let received = Atomic<Int>(0)
        let duplicates = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let readers = DispatchGroup()
        // Two reader threads, each polling half of the streams.
        for half in 0..<2 {
            readers.enter()
            DispatchQueue.global().async {
                defer { readers.leave() }
                let mine = stride(from: half, to: streams.count, by: 2).map { streams[$0] }
                var seen = [Set<Int>](repeating: [], count: mine.count)
                var polls = mine.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
                while !stop.load(ordering: .relaxed) {
                    guard poll(&polls, nfds_t(polls.count), 100) > 0 else { continue }
                    let now = now()
                    for index in polls.indices where polls[index].revents != 0 {
                        for number in mine[index].readCardNumbers() {
                            if !seen[index].insert(number).inserted {
                                duplicates.add(1, ordering: .relaxed)
                                continue
                            }
                            received.add(1, ordering: .relaxed)
                            if let sent = sentAt.withLock({ $0[number] }) {
                                latencies.withLock { $0.append(now - sent) }
                            }
                        }
                    }
                }
            }
        }
        // Every stream subscribed before the first write (bounded): a card sent earlier would miss some.
        let subscribedBy = now() + 20
        while Self.healthNumber("subscribers", owner) < subscribers && now() < subscribedBy {
            var nothing = pollfd()
            _ = poll(&nothing, 0, 20)
        }
        let cpuBefore = ProcessCPU.seconds(of: hubPID)
        let started = now()
        var writes = 0
        var failures = 0
        while now() - started < seconds {
            let number = writes + 1
            sentAt.withLock { $0[number] = now() }
            let answer = owner.postFormWithHeaders(
                "/boards/\(boardID)/cards", [("column", "todo"), ("title", "w-\(number)-w")],
                headers: [("X-CSRF-Token", csrf), ("HX-Request", "true")])
            if answer?.status == 204 { writes += 1 } else { failures += 1 }
            if failures > 100 { break }
        }
        let wall = now() - started
        let cpu = ProcessCPU.seconds(of: hubPID) - cpuBefore
        // Let the last deliveries arrive (bounded).
        let deadline = now() + 10
        while received.load(ordering: .relaxed) < writes * subscribers && now() < deadline {
            var nothing = pollfd()
            _ = poll(&nothing, 0, 20)
        }
        stop.store(true, ordering: .relaxed)
        readers.wait()
        let sorted = latencies.withLock { $0.sorted() }
        let percentile = { (p: Double) in
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let lost = writes * subscribers - received.load(ordering: .relaxed)
        func rounded(_ value: Double, _ places: Double = 100) -> Double { (value * places).rounded() / places }
        // Streams the hub dropped as too slow (their readers here fell behind): the only excused loss.
        let dropped = Self.healthNumber("slowSubscribersDropped", owner)
        print(
            "{\"phase\": \"board\", \"subscribers\": \(subscribers), \"writes\": \(writes), \"failures\": \(failures), "
                + "\"writesPerSecond\": \(rounded(Double(writes) / wall, 10)), "
                + "\"deliveries\": \(received.load(ordering: .relaxed)), \"lost\": \(lost), "
                + "\"duplicates\": \(duplicates.load(ordering: .relaxed)), \"slowStreamsDropped\": \(dropped), "
                + "\"deliveryP50Ms\": \(rounded(percentile(0.5) * 1000)), \"deliveryP99Ms\": \(rounded(percentile(0.99) * 1000)), "
                + "\"hubCpuMsPerWrite\": \(rounded(writes > 0 ? cpu * 1000 / Double(writes) : 0, 1000))}")
        for stream in streams { close(stream.fd) }
    }
}

extension BoardFanout {
    /// A number of the hub's `GET /health` document (-1 if absent).
    static func healthNumber(_ name: String, _ client: PageClient) -> Int {
        let health = client.get("/health").map { String(decoding: $0.body, as: UTF8.self) } ?? ""
        return health.split(separator: ",").first { $0.contains("\"\(name)\"") }
            .flatMap { Int($0.split(separator: ":").last ?? "") } ?? -1
    }
}

/// One SSE stream read raw: the card numbers in the titles of what arrives (`w-N-w`).
// @unchecked: each reader is read by exactly one reader thread (its half of the streams), and closed only
// after both have been joined.
final class StreamReader: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    private init(fd: Int32) { self.fd = fd }

    static func open(port: Int, path: String) -> StreamReader? {
        guard let fd = Loopback.connect(port: port) else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            close(fd)
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return StreamReader(fd: fd)
    }

    /// The card number of each complete event read so far (one per event: its title repeats in labels).
    func readCardNumbers() -> [Int] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            pending += chunk[..<count]
        }
        var numbers: [Int] = []
        // An event ends at a blank line (WHATWG HTML §9.2.6); the hub writes LF line ends.
        while let end = PageClient.find([10, 10], in: pending) {
            let event = Array(pending[..<end])
            pending.removeFirst(end + 2)
            if let number = Self.cardNumber(in: event) { numbers.append(number) }
        }
        return numbers
    }

    /// The N of the first `w-N-w` in `event`.
    static func cardNumber(in event: [UInt8]) -> Int? {
        var index = 0
        while let found = PageClient.find(Array("w-".utf8), in: Array(event[index...])) {
            let start = index + found + 2
            let digits = event[start...].prefix { $0 >= 48 && $0 <= 57 }
            let after = start + digits.count
            if !digits.isEmpty, after + 1 < event.count, event[after] == UInt8(ascii: "-"),
                event[after + 1] == UInt8(ascii: "w")
            {
                return Int(String(decoding: digits, as: UTF8.self))
            }
            index = start
        }
        return nil
    }
}
