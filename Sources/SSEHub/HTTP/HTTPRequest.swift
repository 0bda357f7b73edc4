/// One parsed HTTP/1.1 request with its whole body. Built by the parser on a loop thread and handed to a route.
public struct HTTPRequest: Sendable {
    /// The method, as sent (`GET`, `POST`; case-sensitive, RFC 9110 §9.1).
    public let method: String
    /// The request target as sent (origin form: path and optional query).
    public let target: String
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    public let versionMinor: Int
    /// The header fields, as sent.
    public let headers: HTTPHeaders
    /// The whole body (empty without one), at most `HubConfiguration.maxBodyBytes`.
    public var body: [UInt8]
    /// Whether the connection stays open after the response (RFC 9112 §9.3).
    public let keepAlive: Bool

    /// A request built by code, for answering it with `Router.respond(to:hub:)` without a socket.
    public init(
        method: String, target: String, versionMinor: Int = 1, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], keepAlive: Bool = true
    ) {
        self.method = method
        self.target = target
        self.versionMinor = versionMinor
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The path part of the target, without the query.
    public var path: Substring {
        target[..<(target.firstIndex(of: "?") ?? target.endIndex)]
    }

    /// The query string after `?`, or empty.
    public var query: Substring {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: mark)...]
    }

    /// Decoded `name=value` pairs of the query, in order; empty when any of them is not UTF-8 (use
    /// `queryValues(named:)` to be told which).
    public var queryItems: [(name: String, value: String)] {
        FormDecoder.decode(Array(query.utf8)) ?? []
    }

    /// Every decoded value of the query parameter `name`, in order; a value that is not UTF-8 after
    /// percent-decoding is a 400 that names the parameter.
    /// - Throws: `HTTPError` 400 when a value of `name` is not UTF-8 after percent-decoding.
    public func queryValues(named name: String) throws(HTTPError) -> [String] {
        let wanted = Array(name.utf8)
        var values: [String] = []
        for pair in FormDecoder.pairs(Array(query.utf8)) where pair.name == wanted {
            guard let value = String(validating: pair.value, as: UTF8.self) else {
                throw HTTPError(.badRequest, "query parameter \"\(name)\" is not valid UTF-8 after percent-decoding")
            }
            values.append(value)
        }
        return values
    }

    /// The media type of the body, lowercased and without parameters ("application/json"); nil when there is
    /// no `Content-Type` or it is not `type/subtype` (RFC 9110 §8.3.1).
    public var mediaType: String? {
        headers.valueBytes("Content-Type").flatMap { MediaType($0) }?.essence
    }
}
