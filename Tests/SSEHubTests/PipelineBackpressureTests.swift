import Broadcast
import Glibc
import Testing

/// Issue 8 item 3: a client may pipeline requests and never read (RFC 9112 §9.3.2). 1 MB of pipelined static
/// GETs used to take the hub from 11 MB to 1.2 GB. Past `--max-unsent` unsent answer bytes a connection is not
/// read until its answers drain, so TCP pushes back on the client instead.
@Suite struct PipelineBackpressureTests {
    /// A web root whose `static/big.css` is `bytes` long.
    static func webRoot(fileBytes: Int) -> String {
        var template = Array("/tmp/ssehub-static-XXXXXX".utf8CString)
        let root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        mkdir(root + "/static", 0o755)
        let file = fopen(root + "/static/big.css", "w")!
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: fileBytes)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        return root
    }

    static let get = "GET /static/big.css HTTP/1.1\r\nHost: t\r\n\r\n"

    @Test func pipelinedRequestsToAClientThatReadsLateKeepTheHubsMemoryBounded() throws {
        let hub = try HubProcess(
            arguments: ["--web-root", Self.webRoot(fileBytes: 32 * 1024), "--loops", "1"],
            environment: HubProcess.measuringMemory)
        let baseline = hub.rssKiB
        let socket = try TestSocket(port: hub.port)
        let count = 4000
        var requests = Array(String(repeating: Self.get, count: count).utf8)[...]
        var answers = AnswerCounter()
        var peak = baseline
        let deadline = TestClock.now() + 60
        // Send everything the sockets take without reading (the client "never reads" while it can still send),
        // then read while sending the rest. Bounded by the deadline and by the answer count.
        while !requests.isEmpty && socket.sendSome(&requests, waitingUpTo: 0.5) {
            peak = max(peak, hub.rssKiB)
        }
        while answers.count < count && TestClock.now() < deadline && !socket.peerClosed {
            if !requests.isEmpty { _ = socket.sendSome(&requests, waitingUpTo: 0) }
            socket.receiveSome(timeout: 1) { answers.feed($0) }
            peak = max(peak, hub.rssKiB)
        }
        #expect(answers.count == count, "every pipelined request is answered once reading resumes")
        #expect(answers.statuses == [200], "\(answers.statuses)")
        #expect(peak - baseline < 40 * 1024, "RSS grew from \(baseline) KiB to \(peak) KiB")
    }

    /// The edge: unsent answers equal to the bound do not stop reading; one byte over does, until the client
    /// reads them. The answer is larger than the kernel's socket buffers, so it stays in the hub's queue.
    @Test func readingStopsOnlyPastTheBoundAndResumesWhenTheAnswersDrain() throws {
        let root = Self.webRoot(fileBytes: 12 * 1024 * 1024)
        let answerBytes = try {
            let probe = try HubProcess(arguments: ["--web-root", root, "--loops", "1"])
            let socket = try TestSocket(port: probe.port)
            socket.send(Self.get)
            try socket.read(until: "the answer's head", timeout: 20) { TestSocket.headEnd($0) != nil }
            return TestSocket.headEnd(socket.buffer)! + 4 + 12 * 1024 * 1024
        }()
        let publish =
            "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: 12\r\n\r\nchannel=edge"
        for (bound, reads) in [(answerBytes, true), (answerBytes - 1, false)] {
            let hub = try HubProcess(arguments: ["--web-root", root, "--loops", "1", "--max-unsent", "\(bound)"])
            let socket = try TestSocket(port: hub.port, receiveBuffer: 4096)
            socket.send(Self.get + publish)
            if reads {
                try eventually("the publish behind an answer at the bound") { Self.published(hub) == 1 }
            } else {
                // Nothing to await but time: the hub must not read the publish while the answer is unsent.
                _ = poll(nil, 0, 500)
                #expect(Self.published(hub) == 0, "read past the bound of \(bound) with \(answerBytes) unsent")
            }
            #expect(try socket.readResponse(timeout: 20).body.count == 12 * 1024 * 1024)
            #expect(try socket.readResponse(timeout: 20).status == 200, "the publish is answered after the file")
            #expect(Self.published(hub) == 1)
        }
    }

    static func published(_ hub: HubProcess) -> Int {
        guard let response = try? TestHTTP.get(hub.port, "/health"),
            case .number(let value)? = try? JSONParser.parse(response.body)["eventsPublished"]
        else { return -1 }
        return Int(value)
    }
}

/// Counts HTTP responses in a byte stream without keeping their bodies.
struct AnswerCounter {
    private var head: [UInt8] = []
    private var bodyLeft = 0
    private(set) var count = 0
    private(set) var statuses: Set<Int> = []

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            if bodyLeft > 0 {
                let take = min(bodyLeft, bytes.count - index)
                bodyLeft -= take
                index += take
                if bodyLeft == 0 { count += 1 }
                continue
            }
            head.append(bytes[index])
            index += 1
            guard head.count >= 4, head.suffix(4).elementsEqual([13, 10, 13, 10]) else { continue }
            let text = String(decoding: head, as: UTF8.self)
            statuses.insert(Int(text.split(separator: " ").dropFirst().first ?? "") ?? -1)
            let length = text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            bodyLeft = Int(length?.split(separator: " ").last ?? "0") ?? 0
            head.removeAll(keepingCapacity: true)
            if bodyLeft == 0 { count += 1 }
        }
    }
}

extension TestSocket {
    /// Sends what the socket takes now, waiting up to `waitingUpTo` seconds for room; false when nothing went.
    func sendSome(_ bytes: inout ArraySlice<UInt8>, waitingUpTo timeout: Double) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return false }
        let written = bytes.withUnsafeBytes {
            Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        guard written > 0 else { return false }
        bytes.removeFirst(written)
        return true
    }

    /// Receives once (waiting up to `timeout`) into a scratch buffer handed to `body`, without keeping it.
    func receiveSome(timeout: Double, _ body: (UnsafeRawBufferPointer) -> Void) {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return }
        chunk.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
}
