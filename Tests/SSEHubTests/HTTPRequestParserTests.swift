import Testing

@testable import SSEHub

/// Feeds `input` to a fresh parser in the given pieces and collects every outcome.
private func parseAll(_ pieces: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) -> [String] {
    var parser = HTTPRequestParser(limits: limits)
    var outcomes: [String] = []
    for piece in pieces {
        piece.withUnsafeBytes { buffer in
            var rest = buffer[...]
            while !rest.isEmpty {
                let (consumed, outcome) = parser.parse(UnsafeRawBufferPointer(rebasing: rest))
                rest = rest.dropFirst(consumed)
                switch outcome {
                case .needMore: break
                case .expectContinue: outcomes.append("100-continue")
                case .request(let request):
                    let body = String(decoding: request.body, as: UTF8.self)
                    outcomes.append("\(request.method) \(request.target) keepAlive=\(request.keepAlive) body=\(body)")
                case .failure(let error):
                    outcomes.append("\(error.status.code) close=\(error.closesConnection)")
                    return
                }
            }
        }
    }
    return outcomes
}

private let pipeline = Array(
    ("GET /events/a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
        + "\r\n"  // an empty line between requests is ignored (RFC 9112 §2.2)
        + "POST /broadcast HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
        + "POST /broadcast HTTP/1.1\r\nhost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n"
        + "POST /c HTTP/1.1\nHost: h\nExpect: 100-continue\nContent-Length: 2\n\nhi"
        + "GET /last HTTP/1.0\r\n\r\n").utf8)

private let expected = [
    "GET /events/a?x=1 keepAlive=true body=",
    "POST /broadcast keepAlive=true body=hello",
    "POST /broadcast keepAlive=true body=abc0123456789abcdef",
    "100-continue",
    "POST /c keepAlive=true body=hi",
    "GET /last keepAlive=false body=",
]

@Suite struct HTTPRequestParserTests {
    @Test func parsesAPipelineInOnePiece() {
        #expect(parseAll([pipeline]) == expected)
    }

    @Test func parsesTheSamePipelineSplitAtEveryPosition() {
        for split in 0...pipeline.count {
            let outcome = parseAll([Array(pipeline[..<split]), Array(pipeline[split...])])
            #expect(outcome == expected, "split at \(split)")
        }
    }

    @Test func parsesTheSamePipelineOneByteAtATime() {
        #expect(parseAll(pipeline.map { [$0] }) == expected)
    }

    @Test func rejectsContentLengthWithTransferEncoding() {
        let request = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(parseAll([Array(request.utf8)]) == ["400 close=true"])
    }

    @Test(arguments: ["abc", "-1", "1,2", "", "+5", "99999999999999999999", "1 2"])
    func rejectsAnInvalidContentLength(_ value: String) {
        let request = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n"
        #expect(parseAll([Array(request.utf8)]) == ["400 close=true"])
    }

    @Test func acceptsRepeatedIdenticalContentLengths() {
        let request = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nok"
        #expect(parseAll([Array(request.utf8)]) == ["POST / keepAlive=true body=ok"])
    }

    @Test func enforcesTheHeadLimitAtItsEdge() {
        let limits = HTTPParserLimits(maxHeadBytes: 100, maxBodyBytes: 10)
        let base = "GET / HTTP/1.1\r\nHost: h\r\nX: "
        let fill = 100 - base.utf8.count - 4
        let exact = base + String(repeating: "a", count: fill) + "\r\n\r\n"
        #expect(exact.utf8.count == 100)
        #expect(parseAll([Array(exact.utf8)], limits: limits) == ["GET / keepAlive=true body="])
        let over = base + String(repeating: "a", count: fill + 1) + "\r\n\r\n"
        #expect(parseAll([Array(over.utf8)], limits: limits) == ["431 close=true"])
    }

    @Test func enforcesTheBodyLimitAtItsEdge() {
        let limits = HTTPParserLimits(maxHeadBytes: 1000, maxBodyBytes: 10)
        let exact = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789"
        #expect(parseAll([Array(exact.utf8)], limits: limits) == ["POST / keepAlive=true body=0123456789"])
        let over = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n01234567890"
        #expect(parseAll([Array(over.utf8)], limits: limits) == ["413 close=true"])
        let chunked =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n012345\r\n0\r\n\r\n"
        #expect(parseAll([Array(chunked.utf8)], limits: limits) == ["413 close=true"])
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400),  // no Host
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
        ("GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ])
    func rejectsMalformedHeads(_ request: String, _ status: Int) {
        #expect(parseAll([Array(request.utf8)]).first?.hasPrefix("\(status) ") == true, "\(request.debugDescription)")
    }

    @Test func readsConnectionCloseAndHTTP10KeepAlive() {
        let request =
            "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        #expect(parseAll([Array(request.utf8)]) == ["GET /a keepAlive=false body=", "GET /b keepAlive=true body="])
    }

    @Test func reportsWhetherARequestIsInProgress() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        #expect(!parser.isMidRequest)
        _ = Array("GET / HT".utf8).withUnsafeBytes { parser.parse($0) }
        #expect(parser.isMidRequest)
        _ = Array("TP/1.1\r\nHost: h\r\n\r\n".utf8).withUnsafeBytes { parser.parse($0) }
        #expect(!parser.isMidRequest)
    }
}
