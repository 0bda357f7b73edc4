/// A client that keeps the cookies a site sets and sends what a same-origin browser form sends: one request
/// per connection, `Sec-Fetch-Site: same-origin` unless told otherwise.
final class TestBrowser {
    let port: Int
    private(set) var cookies: [String: String] = [:]

    init(port: Int) { self.port = port }

    @discardableResult
    func get(_ path: String) throws -> TestResponse { try send("GET", path) }

    /// Posts `fields` as a form; `site` nil sends no Fetch Metadata (an old browser or a script).
    @discardableResult
    func post(
        _ path: String, _ fields: [(String, String)], site: String? = "same-origin", headers: [(String, String)] = []
    )
        throws -> TestResponse
    {
        let body = fields.map { "\(Self.encoded($0.0))=\(Self.encoded($0.1))" }.joined(separator: "&")
        var extra = [("Content-Type", "application/x-www-form-urlencoded")] + headers
        if let site { extra.append(("Sec-Fetch-Site", site)) }
        return try send("POST", path, headers: extra, body: Array(body.utf8))
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws
        -> TestResponse
    {
        var all = headers
        if !cookies.isEmpty {
            all.append(
                ("Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        let response = try TestSocket(port: port).exchange(method, path, headers: all, body: body)
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";")[0]
            let equals = pair.firstIndex(of: "=")!
            let (cookie, content) = (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
            if value.contains("Max-Age=0") { cookies[cookie] = nil } else { cookies[cookie] = content }
        }
        return response
    }

    /// The value of the form's hidden `csrf_token` field in a page.
    static func csrfToken(in page: TestResponse) -> String? {
        let marker = #"name="csrf_token" value=""#
        guard let start = page.text.firstRange(of: marker)?.upperBound else { return nil }
        return String(page.text[start...].prefix { $0 != "\"" })
    }

    static func encoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
