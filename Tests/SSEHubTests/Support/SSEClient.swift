/// One event as a client dispatches it.
struct ReceivedEvent: Equatable {
    var id: String?
    var event: String
    var data: String
}

/// An event-stream parser written from WHATWG HTML §9.2.6 "Interpreting an event stream", independent of
/// the hub's encoder: LF, CR and CRLF line ends; comments; `data` lines joined with LF; `id` kept across
/// events; a leading BOM stripped. Used to check what the hub sends.
struct EventStreamParser {
    private var line: [UInt8] = []
    private var previousWasCR = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType = ""
    private(set) var lastEventID: String?
    private(set) var retry: Int?
    private(set) var comments = 0
    private var sawBOMCheck = false

    mutating func feed(_ bytes: some Collection<UInt8>) -> [ReceivedEvent] {
        var events: [ReceivedEvent] = []
        for byte in bytes {
            if previousWasCR && byte == 0x0A {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let event = processLine() { events.append(event) }
                line.removeAll()
            } else {
                line.append(byte)
            }
        }
        return events
    }

    private mutating func processLine() -> ReceivedEvent? {
        if !sawBOMCheck {
            sawBOMCheck = true
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty {
            defer {
                data = []
                hasData = false
                eventType = ""
            }
            guard hasData else { return nil }
            return ReceivedEvent(
                id: lastEventID, event: eventType.isEmpty ? "message" : eventType,
                data: String(decoding: data, as: UTF8.self))
        }
        if line.first == UInt8(ascii: ":") {
            comments += 1
            return nil
        }
        var name = line[...]
        var value: ArraySlice<UInt8> = []
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            name = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        }
        switch String(decoding: name, as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event": eventType = String(decoding: value, as: UTF8.self)
        case "id" where !value.contains(0): lastEventID = String(decoding: value, as: UTF8.self)
        case "retry": retry = Int(String(decoding: value, as: UTF8.self))
        default: break
        }
        return nil
    }
}

/// A subscriber over a real socket: sends the GET, checks the head, then parses events as they arrive.
final class SSEClient {
    let socket: TestSocket
    private(set) var parser = EventStreamParser()
    private(set) var events: [ReceivedEvent] = []
    private(set) var head: String = ""
    /// Every body byte parsed so far, as it came.
    private(set) var received: [UInt8] = []

    init(port: Int, path: String, headers: [(String, String)] = [], receiveBuffer: Int32? = nil) throws {
        socket = try TestSocket(port: port, receiveBuffer: receiveBuffer)
        var request = "GET \(path) HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        socket.send(request + "\r\n")
    }

    /// Reads the response head; returns the status code.
    @discardableResult
    func readHead(timeout: Double = 10) throws -> Int {
        try socket.read(until: "the stream head", timeout: timeout) { TestSocket.headEnd($0) != nil }
        let end = TestSocket.headEnd(socket.buffer)!
        head = String(decoding: socket.take(end + 4), as: UTF8.self)
        return Int(head.split(separator: " ")[1])!
    }

    /// Reads until `count` events in all have arrived.
    func waitForEvents(_ count: Int, timeout: Double = 10) throws {
        let deadline = TestClock.now() + timeout
        consumeBuffer()
        while events.count < count {
            let left = deadline - TestClock.now()
            guard left > 0, !socket.peerClosed else {
                throw TestTimeout(what: "\(count) events (have \(events.count))")
            }
            socket.readSome(timeout: left)
            consumeBuffer()
        }
    }

    /// Reads until the events so far satisfy `condition`.
    func waitForEvents(_ what: String, timeout: Double = 10, until condition: ([ReceivedEvent]) -> Bool) throws {
        let deadline = TestClock.now() + timeout
        consumeBuffer()
        while !condition(events) {
            let left = deadline - TestClock.now()
            guard left > 0, !socket.peerClosed else { throw TestTimeout(what: "\(what) (have \(events.count) events)") }
            socket.readSome(timeout: left)
            consumeBuffer()
        }
    }

    /// Reads until at least `count` comment lines have arrived.
    func waitForComments(_ count: Int, timeout: Double = 10) throws {
        let deadline = TestClock.now() + timeout
        consumeBuffer()
        while parser.comments < count {
            let left = deadline - TestClock.now()
            guard left > 0, !socket.peerClosed else { throw TestTimeout(what: "\(count) comments") }
            socket.readSome(timeout: left)
            consumeBuffer()
        }
    }

    /// Reads until the hub ends the stream; true if it did within `timeout`. What came is parsed.
    /// With no time left, reads once what is there already.
    func readToEnd(timeout: Double = 10) -> Bool {
        let deadline = TestClock.now() + timeout
        repeat {
            socket.readSome(timeout: max(0, deadline - TestClock.now()))
            consumeBuffer()
        } while !socket.peerClosed && TestClock.now() < deadline
        return socket.peerClosed
    }

    var retry: Int? { parser.retry }
    var lastEventID: String? { parser.lastEventID }

    private func consumeBuffer() {
        let bytes = socket.take(socket.buffer.count)
        received.append(contentsOf: bytes)
        events.append(contentsOf: parser.feed(bytes))
    }
}
