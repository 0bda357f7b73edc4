/// A complete response with a known length. Serialised once into a `Frame` for the connection's queue.
public struct HTTPResponse: Sendable {
    /// The status line's code and reason.
    public var status: HTTPStatus
    /// Header fields in order; `Content-Length`, `Date` and `Connection` are added when it is sent.
    public var headers: [(String, String)]
    /// The body bytes (not sent for HEAD).
    public var body: [UInt8]
    /// False for a HEAD that describes a stream: a stream has no length to declare (RFC 9110 §8.6).
    package var declaresLength = true

    /// A response with these parts.
    public init(status: HTTPStatus, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` as compact JSON, `application/json`.
    public static func json(_ status: HTTPStatus = .ok, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: value.serialized())
    }

    /// `text` as UTF-8, `text/plain; charset=utf-8` unless `contentType` says otherwise.
    public static func text(
        _ status: HTTPStatus = .ok, _ text: String, contentType: String = "text/plain; charset=utf-8"
    )
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// Whether a header field can go on the wire as it is: a field with CR, LF or NUL (an app that copied a
    /// client's text into it) would split the response (RFC 9110 §5.5), so it is left out instead.
    static func isWritable(_ name: String, _ value: String) -> Bool {
        !name.isEmpty && !name.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 || $0 == 0x3A || $0 == 0x20 }
            && !value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    /// The wire bytes: status line, our headers, `Content-Length`, `Date`, `Connection` and the body.
    func serialized(keepAlive: Bool, date: String, includeBody: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + body.count)
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        ASCII.appendDecimal(status.code, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: status.reason.utf8)
        out.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers where HTTPResponse.isWritable(name, value) {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if declaresLength {
            out.append(contentsOf: "Content-Length: ".utf8)
            ASCII.appendDecimal(body.count, to: &out)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: date.utf8)
        out.append(
            contentsOf: keepAlive ? "\r\nConnection: keep-alive\r\n\r\n".utf8 : "\r\nConnection: close\r\n\r\n".utf8)
        if includeBody { out.append(contentsOf: body) }
        return out
    }
}
