import Synchronization
import Testing

@testable import Broadcast

/// What a client on a hub loop reported, readable from the test thread.
final class RedisRecorder: Sendable {
    let lines = Mutex<[String]>([])

    func add(_ line: String) { lines.withLock { $0.append(line) } }
    func contains(_ line: String) -> Bool { lines.withLock { $0.contains(line) } }
    func count(of line: String) -> Int { lines.withLock { $0.filter { $0 == line }.count } }
}

@Suite(.serialized) struct RedisClientTests {
    /// Starts a client named `name` on loop 0 of `hub`; it records its states and replies into `recorder`.
    private func startClient(
        _ hub: Hub, port: Int, recorder: RedisRecorder, timings: RedisTimings = RedisTimings(), subscribing: Bool = true
    ) throws {
        let address = try RedisAddress(parsing: "127.0.0.1:\(port)")
        hub.run(onLoop: 0) { loop in
            let client = RedisClient(name: "test", address: address, timings: timings, loop: loop)
            // Subscribed: liveness comes from messages, not PING (which a subscribed connection cannot answer
            // in a way hiredis 0.14.1 matches).
            client.usesPing = !subscribing
            // The loop retains the client; its own callbacks must not (a cycle would outlive the hub).
            client.onStateChange = { [unowned client] state in
                switch state {
                case .ready:
                    recorder.add("ready")
                    client.send(.command("SET", "k", "v\r\n\u{0}binary")) { reply in
                        recorder.add("set \(reply?.text ?? "nil")")
                    }
                    client.send(.command("GET", "k")) { reply in
                        if case .string(let bytes)? = reply { recorder.add("get \(bytes.count)") }
                    }
                    if subscribing { client.sendSubscription(.command("SUBSCRIBE", "news")) }
                case .down: recorder.add("down")
                case .connecting: break
                }
            }
            client.onPush = { [unowned client] reply in
                client.markAlive()
                if case .array(let parts) = reply, parts.count == 3, parts[0].text == "message" {
                    recorder.add("message \(parts[2].text ?? "")")
                }
            }
            loop.retain(client)
            client.start()
        }
    }

    @Test func runsCommandsAndSubscriptionsOnTheHubLoop() throws {
        let redis = try RedisServer()
        try withHub { hub in
            let recorder = RedisRecorder()
            try startClient(hub, port: redis.port, recorder: recorder)
            try eventually("the client to be ready and subscribed") {
                recorder.contains("get 10") && (try? redis.command("PUBSUB NUMSUB news"))?.contains(":1") == true
            }
            #expect(recorder.contains("set OK"))
            _ = try redis.command("PUBLISH news hello")
            try eventually("the published message") { recorder.contains("message hello") }
        }
    }

    @Test func detectsAnOutageAndReconnectsByItself() throws {
        let redis = try RedisServer()
        try withHub { hub in
            let recorder = RedisRecorder()
            var timings = RedisTimings()
            timings.pingInterval = .milliseconds(100)
            timings.pingTimeout = .milliseconds(2000)
            timings.maximumBackoff = .milliseconds(300)
            try startClient(hub, port: redis.port, recorder: recorder, timings: timings, subscribing: false)
            // The first connection's commands answered before the outage (stopping Redis sooner lost them).
            try eventually("first connection") { recorder.count(of: "ready") == 1 && recorder.contains("get 10") }
            redis.stop()
            try eventually("the outage to be noticed", timeout: 5) { recorder.contains("down") }
            try redis.start()
            try eventually("the client to reconnect by itself", timeout: 10) { recorder.count(of: "ready") == 2 }
            try eventually("commands after the outage") { recorder.count(of: "set OK") == 2 }
            #expect(recorder.count(of: "down") == 1, "a Redis that stays down is reported once")
        }
    }

    @Test(arguments: [
        ("127.0.0.1:6380", "127.0.0.1:6380"), ("redis://:secret@127.0.0.1:7000/2", "127.0.0.1:7000/2"),
        ("localhost", "127.0.0.1:6379"), ("/run/redis.sock", "/run/redis.sock"), ("unix:///tmp/r.sock", "/tmp/r.sock"),
    ])
    func parsesAddresses(_ text: String, _ expected: String) throws {
        let address = try RedisAddress(parsing: text)
        #expect(address.description == expected)
        if text.contains("secret") { #expect(address.password == "secret") }
    }

    @Test(arguments: ["redis://127.0.0.1:99999", "127.0.0.1:x", "redis://host/db", ":6379"])
    func rejectsBadAddresses(_ text: String) {
        #expect(throws: RedisAddressError.self) { try RedisAddress(parsing: text) }
    }
}
