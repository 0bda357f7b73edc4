/// Limits the parser enforces; each one is a configuration setting of the hub.
package struct HTTPParserLimits: Sendable {
    package var maxHeadBytes: Int
    package var maxBodyBytes: Int

    package init(maxHeadBytes: Int = 16 * 1024, maxBodyBytes: Int = 1024 * 1024) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
    }
}

/// An incremental HTTP/1.1 request parser (RFC 9112). Fed whatever bytes arrive, at any split, it yields
/// requests one at a time so pipelined requests are answered in order.
///
/// A pure state machine: it does no I/O, owns only the bytes of the request in progress, and holds no
/// allocation between requests. Owned by one connection, on that connection's loop thread.
package struct HTTPRequestParser {
    package enum Outcome {
        /// Every byte was consumed and the request is not complete yet.
        case needMore
        /// The head asked for `100-continue` and a body follows: answer 100 before reading it (RFC 9110 §10.1.1).
        case expectContinue
        case request(HTTPRequest)
        /// The request is invalid; after answering, the connection must close unless the error says otherwise.
        case failure(HTTPError)
    }

    private enum State {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed
    }

    let limits: HTTPParserLimits
    private var state = State.head
    private var head: [UInt8] = []
    /// Bytes in the current head line (CR not counted): 0 at a line start, so LF there ends the head.
    private var lineLength = 0
    /// Empty lines were skipped before this request line: they are its first bytes, so the head deadline
    /// runs from them (RFC 9112 §2.2 lets a server ignore them, not wait on them forever).
    private var skippedEmptyLines = false
    private var pending: HTTPRequestHead?
    private var body: [UInt8] = []
    private var line: [UInt8] = []
    /// Bytes of the trailer section so far (chunked bodies only).
    private var trailerBytes = 0

    package init(limits: HTTPParserLimits) {
        self.limits = limits
    }

    /// True while part of a request has arrived, bare CRLFs before it included: the head timeout runs only then.
    package var isMidRequest: Bool {
        if case .head = state { return !head.isEmpty || skippedEmptyLines }
        return true
    }

    /// Consumes a prefix of `input` and reports what it completed. Call again with the rest while it returns
    /// something other than `.needMore`.
    package mutating func parse(_ input: UnsafeRawBufferPointer) -> (consumed: Int, outcome: Outcome) {
        var index = 0
        while index < input.count {
            switch state {
            case .failed:
                return (input.count, .needMore)
            case .head:
                let (used, complete) = scanHead(input, from: index)
                index += used
                if let failure = complete { return (index, failure) }
            case .fixedBody(let remaining):
                let take = min(remaining, input.count - index)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                if take == remaining { return (index, finishRequest()) }
                state = .fixedBody(remaining: remaining - take)
            case .chunkSize, .trailers, .chunkDataEnd:
                let (used, outcome) = scanChunkLine(input, from: index)
                index += used
                if let outcome { return (index, outcome) }
            case .chunkData(let remaining):
                let take = min(remaining, input.count - index)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            }
        }
        return (index, .needMore)
    }

    /// Accumulates head bytes up to the empty line. Returns how many bytes it used and, when the head is
    /// complete or invalid, the outcome to report.
    private mutating func scanHead(_ input: UnsafeRawBufferPointer, from start: Int) -> (Int, Outcome?) {
        var index = start
        while index < input.count {
            let byte = input[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                if lineLength == 0 {
                    // RFC 9112 §2.2: ignore empty lines before the request line.
                    if head.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) {
                        head.removeAll()
                        skippedEmptyLines = true
                        continue
                    }
                    head.append(byte)
                    if head.count > limits.maxHeadBytes { return (index - start, fail(headTooLarge())) }
                    return (index - start, headComplete())
                }
                lineLength = 0
            } else if byte != UInt8(ascii: "\r") {
                lineLength += 1
            }
            head.append(byte)
            if head.count > limits.maxHeadBytes { return (index - start, fail(headTooLarge())) }
        }
        return (index - start, nil)
    }

    private mutating func headComplete() -> Outcome? {
        let parsed: HTTPRequestHead
        do {
            parsed = try HTTPRequestHead.parse(head)
        } catch {
            return fail(error)
        }
        head = []
        lineLength = 0
        skippedEmptyLines = false
        pending = parsed
        switch parsed.framing {
        case .none:
            return finishRequest()
        case .length(let length):
            if length > limits.maxBodyBytes { return fail(bodyTooLarge()) }
            if length == 0 { return finishRequest() }
            body.reserveCapacity(length)
            state = .fixedBody(remaining: length)
        case .chunked:
            state = .chunkSize
        }
        return parsed.expectsContinue ? .expectContinue : nil
    }

    /// Reads one line of chunked framing (RFC 9112 §7.1): a chunk size, the CRLF after chunk data, or a
    /// trailer line.
    private mutating func scanChunkLine(_ input: UnsafeRawBufferPointer, from start: Int) -> (Int, Outcome?) {
        var index = start
        while index < input.count {
            let byte = input[index]
            index += 1
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                if case .trailers = state {
                    if trailerBytes + line.count > limits.maxHeadBytes {
                        return (index - start, fail(trailersTooLarge()))
                    }
                } else if line.count > 1024 {
                    return (
                        index - start, fail(HTTPError(.badRequest, "chunk line is too long", closesConnection: true))
                    )
                }
                continue
            }
            if case .trailers = state {
                // The trailer section is a field section like the head (RFC 9112 §7.1.2), so the head limit
                // bounds it too, its line ends and final empty line included.
                trailerBytes += line.count + 1
                if trailerBytes > limits.maxHeadBytes { return (index - start, fail(trailersTooLarge())) }
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            defer { line.removeAll(keepingCapacity: true) }
            switch state {
            case .chunkDataEnd:
                guard line.isEmpty else {
                    return (
                        index - start,
                        fail(HTTPError(.badRequest, "chunk data is longer than its size", closesConnection: true))
                    )
                }
                state = .chunkSize
            case .trailers:
                // Trailer fields are read and dropped; the empty line ends the message.
                if line.isEmpty { return (index - start, finishRequest()) }
            default:
                guard let size = Self.chunkSize(line) else {
                    return (
                        index - start, fail(HTTPError(.badRequest, "invalid chunk size line", closesConnection: true))
                    )
                }
                if size == 0 {
                    state = .trailers
                } else if size > limits.maxBodyBytes - body.count {
                    return (index - start, fail(bodyTooLarge()))
                } else {
                    state = .chunkData(remaining: size)
                }
            }
            return (index - start, nil)
        }
        return (index - start, nil)
    }

    /// The hex size before any `;extension`.
    private static func chunkSize(_ line: [UInt8]) -> Int? {
        let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var size = 0
        for digit in digits {
            guard let value = FormDecoder.hexValue(digit) else { return nil }
            size = size << 4 | Int(value)
        }
        return size
    }

    private func headTooLarge() -> HTTPError {
        HTTPError(
            .headerFieldsTooLarge, "request head is over the limit of \(limits.maxHeadBytes) bytes",
            closesConnection: true)
    }

    private func trailersTooLarge() -> HTTPError {
        HTTPError(
            .headerFieldsTooLarge,
            "request trailer section is over the limit of \(limits.maxHeadBytes) bytes (the head limit covers trailers)",
            closesConnection: true)
    }

    private func bodyTooLarge() -> HTTPError {
        HTTPError(
            .contentTooLarge, "request body is over the limit of \(limits.maxBodyBytes) bytes", closesConnection: true)
    }

    private mutating func fail(_ error: HTTPError) -> Outcome {
        state = .failed
        head = []
        skippedEmptyLines = false
        trailerBytes = 0
        body = []
        return .failure(error)
    }

    private mutating func finishRequest() -> Outcome {
        let request = pending!.request(body: body)
        pending = nil
        body = []
        trailerBytes = 0
        state = .head
        return .request(request)
    }
}
