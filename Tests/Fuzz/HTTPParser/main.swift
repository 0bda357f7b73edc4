import FuzzSupport
import SSEHub

// The HTTP request parser is fed bytes as they arrive, at any split. The same input whole, in random chunks and
// one byte at a time must give the same requests and errors in the same order, and each request must satisfy
// what the parser promises its routes.

/// One thing the parser reported, in a form that compares.
enum Report: Equatable {
    case expectContinue
    case request(method: String, target: String, minor: Int, headers: [[UInt8]], body: [UInt8], keepAlive: Bool)
    case failure(status: Int, message: String, closes: Bool)
}

// Small limits, so the fuzzer reaches them with short inputs.
let limits = HTTPParserLimits(maxHeadBytes: 1024, maxBodyBytes: 2048)

func report(_ request: HTTPRequest) -> Report {
    let headers = request.headers
    let fields = headers.fields.map { Array(headers.storage[$0.name]) + [0] + Array(headers.storage[$0.value]) }
    for field in headers.fields {
        let value = headers.storage[field.value]
        require(!value.contains { $0 == 0 || $0 == 0x0A || $0 == 0x0D }, "header value with CR, LF or NUL")
        require(value.first != 0x20 && value.last != 0x20, "header value not trimmed")
    }
    require(request.target.hasPrefix("/"), "target \(request.target) is not origin form")
    require(request.body.count <= limits.maxBodyBytes, "body over the limit")
    return .request(
        method: request.method, target: request.target, minor: request.versionMinor, headers: fields,
        body: request.body, keepAlive: request.keepAlive)
}

/// Feeds `input` in `pieces` the way a connection does and collects the reports, up to the first error (after
/// which the connection closes).
func parse(_ input: [UInt8], in pieces: [Range<Int>]) -> (reports: [Report], midRequest: Bool) {
    var parser = HTTPRequestParser(limits: limits)
    var reports: [Report] = []
    input.withUnsafeBytes { bytes in
        for piece in pieces {
            var rest = UnsafeRawBufferPointer(rebasing: bytes[piece])
            while !rest.isEmpty {
                let (used, outcome) = parser.parse(rest)
                require(used >= 0 && used <= rest.count, "consumed \(used) of \(rest.count)")
                rest = UnsafeRawBufferPointer(rebasing: rest[used...])
                switch outcome {
                case .needMore:
                    require(rest.isEmpty, "needMore with \(rest.count) bytes left")
                case .expectContinue:
                    reports.append(.expectContinue)
                case .request(let request):
                    reports.append(report(request))
                case .failure(let error):
                    require(error.closesConnection, "a parser error that keeps the connection: \(error.message)")
                    reports.append(.failure(status: error.status.code, message: error.message, closes: true))
                    return
                }
            }
        }
    }
    return (reports, parser.isMidRequest)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    var random = SplitMix(seed: input)
    let whole = parse(input, in: input.isEmpty ? [] : [0..<input.count])
    let chunked = parse(input, in: random.chunks(of: input.count, upTo: 16))
    require(whole.reports == chunked.reports, "random chunks disagree: \(whole.reports) vs \(chunked.reports)")
    require(whole.midRequest == chunked.midRequest || whole.reports.last.map(isFailure) == true, "midRequest")
    let bytewise = parse(input, in: random.chunks(of: input.count, upTo: 1))
    require(whole.reports == bytewise.reports, "byte-at-a-time disagrees: \(whole.reports) vs \(bytewise.reports)")
    return 0
}

func isFailure(_ report: Report) -> Bool {
    if case .failure = report { return true }
    return false
}

FuzzDriver.run(fuzzOne)
