import Glibc

/// One blocking HTTP/1.1 request on its own connection (`Connection: close`), bounded by the socket's
/// timeouts: the publishers' `POST /broadcast` and the driver's health checks.
enum HTTPCall {
    struct Answer {
        let status: Int
        let body: String
    }

    static func request(port: Int, method: String, path: String, body: String = "", timeout: Double = 10)
        -> Answer?
    {
        guard let fd = Sys.connect(port: port, blocking: true, timeout: timeout) else { return nil }
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n"
        if method == "POST" {
            head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        guard Sys.sendAll(fd, Array((head + "\r\n" + body).utf8)) else { return nil }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        // The server closes after the answer; a read timeout ends a stuck one.
        while received.count < 1 << 20 {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            received.append(contentsOf: chunk[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 "), let split = text.firstRange(of: "\r\n\r\n") else { return nil }
        let status = Int(text.dropFirst(9).prefix(3)) ?? 0
        return Answer(status: status, body: String(text[split.upperBound...]))
    }

    /// The `"id"` of a `POST /broadcast` answer.
    static func eventID(in body: String) -> String? {
        guard let key = body.firstRange(of: "\"id\":") else { return nil }
        let rest = body[key.upperBound...].drop { $0 == " " || $0 == "\"" }
        let id = rest.prefix { $0 != "\"" }
        return id.isEmpty ? nil : String(id)
    }

    /// A number field of a flat JSON document (`"malformed": 12`), wherever it is nested.
    static func number(_ name: String, in body: String) -> Int? {
        guard let key = body.firstRange(of: "\"\(name)\":") else { return nil }
        return Int(body[key.upperBound...].drop { $0 == " " }.prefix { $0.isNumber })
    }
}
