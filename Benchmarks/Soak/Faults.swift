import Glibc
import Synchronization

/// What was done to Redis and when. An outage window runs from the fault's start until both hubs answer
/// `GET /health/ready` again, plus a settling margin: inside it a hub may not be subscribed in Redis.
struct FaultRecord: Sendable {
    enum Kind: String, Sendable, CaseIterable { case kill, freeze, garbage }
    let kind: Kind
    let start: UInt64
    let end: UInt64
    /// kill, freeze: how long Redis was down or frozen; garbage: messages sent.
    let amount: Int
}

/// The fault thread: healthy spells of 5-20 s, then one fault at random: Redis killed and restarted after
/// 1-20 s, frozen (SIGSTOP) and thawed after 1-20 s, or a burst of malformed messages on the group's
/// channels from a third client. Ends with Redis up and thawed.
final class FaultInjector: Sendable {
    private let redis: RedisControl
    private let hubPorts: [Int]
    private let channels: Int
    private let records = Mutex<[FaultRecord]>([])
    /// Deliveries of malformed messages Redis reported (PUBLISH answers its receiver count).
    let malformedDelivered = Atomic<Int>(0)

    init(redis: RedisControl, hubPorts: [Int], channels: Int) {
        self.redis = redis
        self.hubPorts = hubPorts
        self.channels = channels
    }

    var faults: [FaultRecord] { records.withLock { $0 } }

    func run(until stopAt: UInt64) {
        while true {
            Sys.sleep(seconds: Double.random(in: 5...20))
            guard Sys.now() + 25_000 < stopAt else { return }
            let started = Sys.now()
            let seconds = Double.random(in: 1...20)
            switch FaultRecord.Kind.allCases.randomElement()! {
            case .kill:
                redis.kill9()
                Sys.sleep(seconds: seconds)
                redis.start()
                record(.kill, started, amount: Int(seconds.rounded()))
            case .freeze:
                redis.freeze()
                Sys.sleep(seconds: seconds)
                redis.thaw()
                record(.freeze, started, amount: Int(seconds.rounded()))
            case .garbage:
                let count = Int.random(in: 20...200)
                for _ in 0..<count { publishGarbage() }
                records.withLock {
                    $0.append(FaultRecord(kind: .garbage, start: started, end: Sys.now(), amount: count))
                }
            }
        }
    }

    /// Closes an outage window once both hubs are ready again (at most 60 s later), plus 2 s to re-subscribe.
    private func record(_ kind: FaultRecord.Kind, _ started: UInt64, amount: Int) {
        let deadline = Sys.now() + 60_000
        while Sys.now() < deadline {
            let ready = hubPorts.allSatisfy {
                HTTPCall.request(port: $0, method: "GET", path: "/health/ready", timeout: 2)?.status == 200
            }
            if ready { break }
            Sys.sleep(seconds: 0.1)
        }
        let end = Sys.now() + 2000
        records.withLock { $0.append(FaultRecord(kind: kind, start: started, end: end, amount: amount)) }
        Sys.sleep(seconds: 2)
    }

    private func publishGarbage() {
        let channel = Array("ssehub:channel:c\(Int.random(in: 0..<channels))".utf8)
        let envelope = Self.malformedEnvelopes.randomElement()!
        guard let reply = redis.command([Array("PUBLISH".utf8), channel, envelope]), reply.hasPrefix(":") else {
            return
        }
        malformedDelivered.add(Int(reply.dropFirst().prefix { $0.isNumber }) ?? 0, ordering: .relaxed)
    }

    /// Envelopes (`id\nevent\nchannels\ndata`) every hub must count as malformed and skip: none may reach a
    /// subscriber. Never a well-formed one with a forged id: a hub cannot tell that from a real event.
    static let malformedEnvelopes: [[UInt8]] = [
        Array("no newline at all".utf8),
        Array("1-1\nonly two parts".utf8),
        Array("1-1\n\nthree parts".utf8),
        Array("\n\n\nempty id".utf8),
        Array("18446744073709551616-1\n\n\nepoch overflows UInt64".utf8),
        Array("1-184467440737095516150\n\n\nsequence of 21 digits".utf8),
        Array("99999999999999999999999999999999-1\n\n\nhuge".utf8),
        Array("-1\n\n\nno epoch".utf8),
        Array("1-\n\n\nno sequence".utf8),
        Array("1-1-1\n\n\nthree numbers".utf8),
        [0xFF, 0xFE] + Array("-1\n\n\nbad UTF-8 id".utf8),
        Array("1-1\n\n".utf8) + [0xC3, 0x28] + Array(" c1\nbad UTF-8 channel".utf8),
        Array("1-1\nbad\rname\n\nCR in the event name".utf8),
        Array("1-1\nbad\0name\n\nNUL in the event name".utf8),
        Array("1-1\n\nc1\na spread of one channel".utf8),
        Array("1-1\n\nzz yy\na spread without the channel".utf8),
        Array("1-1\n\nc1  c2\nan empty channel name".utf8),
        Array(repeating: UInt8(ascii: "x"), count: 1 << 20),
    ]
}
