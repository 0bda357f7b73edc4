/// A parsed request line and header section, before the body. Validation follows RFC 9112; every rejection
/// names the rule it enforces.
struct HTTPRequestHead {
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    let method: String
    let target: String
    let versionMinor: Int
    let headers: HTTPHeaders
    let framing: Framing
    let keepAlive: Bool
    let expectsContinue: Bool

    func request(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: method, target: target, versionMinor: versionMinor, headers: headers, body: body,
            keepAlive: keepAlive)
    }

    /// Parses `bytes`, the head up to and including the empty line. Works on bytes throughout: it runs for
    /// every request, and string handling here was most of a publish's user-space cost.
    static func parse(_ bytes: [UInt8]) throws(HTTPError) -> HTTPRequestHead {
        var requestLine: Range<Int>?
        var fields: [(name: Range<Int>, value: Range<Int>)] = []
        var lineStart = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            var end = index
            if end > lineStart && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = lineStart..<end
            lineStart = index + 1
            if requestLine == nil {
                requestLine = line
            } else if !line.isEmpty {
                fields.append(try parseField(bytes, line))
            }
        }
        guard let requestLine else { throw malformed("request line is missing") }
        let (method, target, minor) = try parseRequestLine(bytes[requestLine])
        let headers = HTTPHeaders(storage: bytes, fields: fields)
        let framing = try framing(headers, versionMinor: minor)

        // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without exactly one Host field.
        let hosts = headers.count(of: "host")
        if minor >= 1 && hosts != 1 {
            throw malformed(hosts == 0 ? "Host header is missing (RFC 9112 §3.2)" : "more than one Host header")
        }
        // RFC 9112 §9.3: HTTP/1.1 stays open unless "close"; HTTP/1.0 closes unless "keep-alive".
        var close = false
        var keepAliveToken = false
        headers.forEachToken(of: "connection") { token in
            if ASCII.equalsIgnoringCase(token, "close") { close = true }
            if ASCII.equalsIgnoringCase(token, "keep-alive") { keepAliveToken = true }
        }
        let keepAlive = minor >= 1 ? !close : keepAliveToken
        var expects = false
        if let expect = headers.valueBytes("Expect") {
            guard ASCII.equalsIgnoringCase(expect, "100-continue") else {
                // RFC 9110 §10.1.1: the client may send the body anyway; close rather than parse it as a request.
                throw HTTPError(
                    HTTPStatus(code: 417, reason: "Expectation Failed"), "only Expect: 100-continue is supported",
                    closesConnection: true)
            }
            expects = true
        }
        return HTTPRequestHead(
            method: method, target: target, versionMinor: minor, headers: headers, framing: framing,
            keepAlive: keepAlive, expectsContinue: expects && framing != .none && framing != .length(0))
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (String, String, Int) {
        // RFC 9112 §3: method SP request-target SP HTTP-version, single spaces.
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw malformed("request line must be METHOD SP target SP HTTP-version (RFC 9112 §3)")
        }
        guard parts[0].allSatisfy(ASCII.isTokenByte) else { throw malformed("method is not a token") }
        let version = Array(parts[2])
        guard version.count == 8, version.starts(with: "HTTP/".utf8), version[6] == UInt8(ascii: "."),
            let major = digit(version[5]), let minor = digit(version[7])
        else { throw malformed("HTTP version is malformed") }
        guard major == 1 else {
            throw HTTPError(.versionNotSupported, "only HTTP/1.x is supported", closesConnection: true)
        }
        let target = parts[1]
        // Origin form only (RFC 9112 §3.2.1); the hub is no proxy. Controls and spaces are never valid there.
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw malformed("request target must be a path starting with /")
        }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: target, as: UTF8.self), minor)
    }

    private static func parseField(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPError) -> (
        name: Range<Int>, value: Range<Int>
    ) {
        guard let first = line.first, bytes[first] != UInt8(ascii: " "), bytes[first] != UInt8(ascii: "\t") else {
            // RFC 9112 §5.2: obsolete line folding may be rejected with 400.
            throw malformed("obsolete line folding in header fields is not accepted (RFC 9112 §5.2)")
        }
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")), colon > line.lowerBound else {
            throw malformed("header field has no name or no colon")
        }
        // RFC 9112 §5.1: no whitespace between the field name and the colon; the name is a token.
        guard bytes[line.lowerBound..<colon].allSatisfy(ASCII.isTokenByte) else {
            throw malformed("header field name is not a token (RFC 9112 §5.1)")
        }
        // RFC 9112 §5.1: OWS around the value is not part of it.
        let value = HTTPWhitespace.trimmed(bytes[(colon + 1)..<line.upperBound])
        // RFC 9110 §5.5: CR, LF and NUL are never valid in a field value.
        guard !value.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) else {
            throw malformed("header field value has a CR, LF or NUL")
        }
        return (line.lowerBound..<colon, value.startIndex..<value.endIndex)
    }

    private static func framing(_ headers: HTTPHeaders, versionMinor: Int) throws(HTTPError) -> Framing {
        let hasLength = headers.count(of: "content-length") > 0
        if headers.count(of: "transfer-encoding") > 0 {
            // RFC 9112 §6.1: Content-Length with Transfer-Encoding may be a smuggling attempt; reject and close.
            guard !hasLength else {
                throw HTTPError(
                    .badRequest, "Content-Length together with Transfer-Encoding (RFC 9112 §6.1)",
                    closesConnection: true)
            }
            guard versionMinor >= 1 else {
                throw HTTPError(
                    .badRequest, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)", closesConnection: true)
            }
            var codings = 0
            var chunked = true
            headers.forEachToken(of: "transfer-encoding") { token in
                codings += 1
                chunked = chunked && ASCII.equalsIgnoringCase(token, "chunked")
            }
            guard codings == 1, chunked else {
                throw HTTPError(
                    .notImplemented, "only the chunked transfer coding is supported", closesConnection: true)
            }
            return .chunked
        }
        guard hasLength else { return .none }
        // RFC 9112 §6.3: a list of identical valid values is one value; anything else is unrecoverable framing.
        var length: Int?
        var valid = true
        headers.forEachToken(of: "content-length", keepingEmpty: true) { token in
            guard !token.isEmpty, token.count <= 18, token.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                valid = false
                return
            }
            let value = token.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if let length, length != value { valid = false }
            length = value
        }
        guard valid, let length else {
            throw HTTPError(.badRequest, "invalid Content-Length (RFC 9112 §6.3)", closesConnection: true)
        }
        return .length(length)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func malformed(_ message: String) -> HTTPError {
        HTTPError(.badRequest, message, closesConnection: true)
    }
}
