import Glibc

/// Where Redis is: `host:port`, `redis://[:password@]host:port[/db]`, or a unix socket path (`/path`,
/// `unix:///path`). Host names are resolved once, at start-up and off the loops: hiredis resolves names with
/// a blocking call, so the loop only ever connects to a numeric address.
public struct RedisAddress: Sendable, Equatable, CustomStringConvertible {
    /// How to reach Redis.
    public enum Endpoint: Sendable, Equatable {
        /// TCP to a numeric IPv4 address (names are resolved when parsing).
        case tcp(host: String, port: Int)
        /// A unix-domain socket.
        case unix(path: String)
    }

    /// Where Redis listens.
    public var endpoint: Endpoint
    /// Sent with `AUTH` after connecting; nil for none.
    public var password: String?
    /// The database to `SELECT` (0 by default).
    public var database: Int

    /// `host:port[/db]` or the socket path; never the password.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "\(host):\(port)" + (database == 0 ? "" : "/\(database)")
        case .unix(let path): path
        }
    }

    /// Parses and resolves `text`; the error says what is wrong with it.
    /// - Throws: `RedisAddressError` for a bad port or database number, no host, or a host name that does not
    ///   resolve.
    public init(parsing text: String) throws(RedisAddressError) {
        password = nil
        database = 0
        var rest = Substring(text)
        if rest.hasPrefix("unix://") { rest = rest.dropFirst("unix://".count) }
        if rest.hasPrefix("/") {
            endpoint = .unix(path: String(rest))
            return
        }
        if rest.hasPrefix("redis://") { rest = rest.dropFirst("redis://".count) }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            password = String(
                credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).last ?? "")
            rest = rest[rest.index(after: at)...]
        }
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            guard let number = Int(db), number >= 0 else {
                throw RedisAddressError("database \"\(db)\" is not a number")
            }
            database = number
            rest = rest[..<slash]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty else { throw RedisAddressError("no host in \"\(text)\"") }
        var port = 6379
        if parts.count == 2 {
            guard let value = Int(parts[1]), (1...65535).contains(value) else {
                throw RedisAddressError("port \"\(parts[1])\" is not a port number")
            }
            port = value
        } else if parts.count > 2 {
            throw RedisAddressError("\"\(text)\" is not host:port")
        }
        endpoint = .tcp(host: try Self.resolve(String(host)), port: port)
    }

    /// A numeric IPv4 address for `host` (blocking: call before the loops start).
    static func resolve(_ host: String) throws(RedisAddressError) -> String {
        var numeric = in_addr()
        if inet_pton(AF_INET, host, &numeric) == 1 { return host }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else {
            throw RedisAddressError("cannot resolve host \"\(host)\"")
        }
        defer { freeaddrinfo(result) }
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
            var address = $0.pointee.sin_addr
            _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Why a Redis address was refused.
public struct RedisAddressError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the address.
    public let description: String
    init(_ description: String) { self.description = description }
}
