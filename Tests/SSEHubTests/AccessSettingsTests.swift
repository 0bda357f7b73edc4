import Glibc
import SSEHub
import Testing

/// The JWT and CORS settings of the `hub` executable: each a flag and a variable, checked at start-up with one
/// line naming it, and working in a real process.
@Suite struct AccessSettingsTests {
    @Test(arguments: [
        ("--jwt-secret short", "", "--jwt-secret: the JWT secret has 5 bytes"),
        ("--jwt-key /nonexistent.pem", "", "--jwt-key: cannot read /nonexistent.pem"),
        ("--jwt-key /etc/hostname", "", "--jwt-key: /etc/hostname: not a PEM public key"),
        ("--jwt-leeway 301", "", "--jwt-leeway:"), ("--jwt-cookie 'a;b'", "", "--jwt-cookie:"),
        ("--cors-origin null", "", "--cors-origin:"), ("--cors-origin '*' --cors-origin http://a.example", "", "alone"),
        ("", "HUB_CORS_ORIGINS=http://a.example/path", "HUB_CORS_ORIGINS:"),
        ("", "HUB_ANONYMOUS_SUBSCRIBE=maybe", "HUB_ANONYMOUS_SUBSCRIBE:"),
    ])
    func anUnusableSettingStopsStartUpNamingIt(_ arguments: String, _ environment: String, _ named: String) throws {
        let (status, output) = try Spawn.run(
            "\"\(HubProcess.executable)\" \(arguments)", environment: environment.isEmpty ? [] : [environment])
        #expect(status == 2)
        #expect(output.split(separator: "\n").count == 1 && output.contains(named), "\(output)")
    }

    @Test func aHubProcessVerifiesWithAKeyFileAndItsCORSFlagsReplaceTheVariable() throws {
        let pair = try TestTokens.KeyPair("ec")
        let path = "/tmp/ssehub-key-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).pem"
        defer { unlink(path) }
        let file = fopen(path, "w")
        fputs(pair.publicPEM, file)
        fclose(file)
        let hub = try HubProcess(
            arguments: ["--jwt-key", path, "--cors-origin", "http://b.example", "--cors-origin", "http://c.example"],
            environment: ["HUB_CORS_ORIGINS=http://a.example"])
        let token = pair.sign(TestTokens.claims(subscribe: ["news"]))
        let client = try SSEClient(port: hub.port, path: "/events/news?access_token=\(token)")
        #expect(try client.readHead() == 200)
        #expect(try TestHTTP.get(hub.port, "/events/news").status == 401)
        for (origin, status) in [("http://a.example", 403), ("http://b.example", 204), ("http://c.example", 204)] {
            let answer = try TestSocket(port: hub.port).exchange(
                "OPTIONS", "/broadcast", headers: [("Origin", origin), ("Access-Control-Request-Method", "POST")])
            #expect(answer.status == status, "\(origin)")
        }
        let help = try Spawn.run("\"\(HubProcess.executable)\" --help").output
        for flag in ["jwt-secret", "jwt-key", "jwt-cookie", "jwt-leeway", "anonymous-subscribe", "cors-origin"] {
            #expect(help.contains("--\(flag)"), "\(flag)")
        }
    }
}
