import Glibc

/// A blocking HTTP/1.1 client on one keep-alive loopback connection, with a cookie jar: enough to drive the
/// demo site's forms as a browser would (visitor cookie, CSRF field, `Sec-Fetch-Site`).
final class PageClient {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        func header(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    private let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private(set) var cookies: [String: String] = [:]

    init(port: Int) {
        self.port = port
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    func get(_ path: String) -> Response? { send("GET", path, body: nil, headers: []) }

    func postForm(_ path: String, _ fields: [(String, String)]) -> Response? {
        postFormWithHeaders(path, fields, headers: [])
    }

    func postFormWithHeaders(_ path: String, _ fields: [(String, String)], headers: [(String, String)]) -> Response? {
        send(
            "POST", path, body: fields.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&"),
            headers: headers)
    }

    /// The value of the form's hidden `csrf_token` input.
    static func csrfToken(in page: [UInt8]) -> String? {
        let marker = Array("name=\"csrf_token\" value=\"".utf8)
        guard let start = find(marker, in: page) else { return nil }
        let value = page[(start + marker.count)...].prefix { $0 != UInt8(ascii: "\"") }
        return String(decoding: value, as: UTF8.self)
    }

    private func send(_ method: String, _ path: String, body: String?, headers: [(String, String)]) -> Response? {
        if fd < 0 { connect() }
        guard fd >= 0 else { return nil }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nSec-Fetch-Site: same-origin\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !cookies.isEmpty {
            request += "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n"
        }
        if let body {
            request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            request += body
        } else {
            request += "\r\n"
        }
        let bytes = Array(request.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count, let response = readResponse() else {
            close(fd)
            fd = -1
            return nil
        }
        for line in response.header("Set-Cookie") {
            let pair = line.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let isRemoval = line.lowercased().contains("max-age=0")
            cookies[String(pair[0])] = isRemoval ? nil : String(pair[1])
        }
        return response
    }

    private func connect() {
        fd = Loopback.connect(port: port) ?? -1
        buffer = []
    }

    /// One response with a Content-Length body (every answer of the demo site has one).
    private func readResponse() -> Response? {
        var headEnd: Int?
        while true {
            if headEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer) { headEnd = end }
            if let end = headEnd {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                let lines = head.split(separator: "\r\n")
                guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
                    let status = Int(statusLine.split(separator: " ")[1])
                else { return nil }
                let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
                }
                let length =
                    headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
                if buffer.count >= end + 4 + length {
                    let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                    buffer.removeFirst(end + 4 + length)
                    return Response(status: status, headers: headers, body: body)
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }

    private static func percentEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
