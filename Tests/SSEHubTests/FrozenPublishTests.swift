import Glibc
import Testing

/// Found by the chaos soak (Benchmarks/soak): a publish sent to a frozen Redis is answered with the hub's own
/// id once the hub gives up and delivers it locally, but the script is still in Redis's socket buffer and runs
/// when Redis thaws, so the same event is also stored (and may be delivered) with a Redis id: one publish, two
/// ids. Wrapped in `withKnownIssue` until the hub is fixed; remove the wrapper then.
@Suite(.serialized) struct FrozenPublishTests {
    @Test func aPublishAnsweredDuringAFreezeIsStoredInRedisOnlyUnderTheAnsweredID() throws {
        let redis = try RedisServer()
        let hub = try HubProcess(arguments: ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        #expect(try TestHTTP.postForm(hub.port, "channel=frozen&data=before").status == 200)
        redis.freeze()
        let answer = try TestHTTP.postForm(hub.port, "channel=frozen&data=during")
        redis.resume()
        #expect(answer.status == 200)
        let body = String(decoding: answer.body, as: UTF8.self)
        let answeredID = body.split(separator: "\"").dropFirst(3).first.map(String.init) ?? ""
        // Redis runs what was buffered as soon as it thaws; a second is plenty.
        var pause = timespec(tv_sec: 1, tv_nsec: 0)
        nanosleep(&pause, nil)
        let stream = try redis.command("XRANGE ssehub:stream:frozen - +")
        withKnownIssue("soak finding: the frozen publish also runs in Redis under another id", isIntermittent: true) {
            #expect(!stream.contains("during") || stream.contains(answeredID), "answered \(body), stream \(stream)")
        }
    }
}
