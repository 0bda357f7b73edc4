/// A response read off a `TestSocket`.
struct TestResponse {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

extension TestSocket {
    /// Reads one response with a Content-Length body.
    func readResponse(timeout: Double = 10, bodyless: Bool = false) throws -> TestResponse {
        try read(until: "a response head", timeout: timeout) { Self.headEnd($0) != nil }
        let end = Self.headEnd(buffer)!
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n").map(String.init)
        let status = Int(lines[0].split(separator: " ")[1])!
        let headers = lines.dropFirst().map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters())
        }
        let length = bodyless ? 0 : Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0")!
        try read(until: "a response body", timeout: timeout) { $0.count >= end + 4 + length }
        _ = take(end + 4)
        return TestResponse(status: status, headers: headers, body: take(length))
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Sends one request and reads its response.
    func exchange(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> TestResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        send(Array((head + "\r\n").utf8) + body)
        return try readResponse(bodyless: method == "HEAD")
    }
}

/// One-shot requests on a fresh connection.
enum TestHTTP {
    static func get(_ port: Int, _ path: String, headers: [(String, String)] = []) throws -> TestResponse {
        try TestSocket(port: port).exchange("GET", path, headers: headers)
    }

    static func postJSON(_ port: Int, _ json: String, headers: [(String, String)] = []) throws -> TestResponse {
        try TestSocket(port: port).exchange(
            "POST", "/broadcast", headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }

    static func postForm(_ port: Int, _ form: String) throws -> TestResponse {
        try TestSocket(port: port).exchange(
            "POST", "/broadcast", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(form.utf8))
    }
}

extension String {
    func trimmingCharacters() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
