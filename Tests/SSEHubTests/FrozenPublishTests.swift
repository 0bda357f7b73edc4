import Glibc
import SSEHub
import Testing

/// Found by the chaos soak (Benchmarks/soak, finding 3): a publish sent to a frozen Redis was answered with the
/// hub's own id once the hub gave up and delivered it locally, but the script was still in Redis's socket
/// buffer and ran when Redis thawed: one publish, two ids. A publish now carries a deadline in Redis's clock
/// (`--redis-publish-timeout`): either Redis runs it in time and the hub waits for that answer, or it never
/// runs. Both sides of the deadline are tested.
@Suite(.serialized) struct FrozenPublishTests {
    @Test func aPublishGivenUpOnDuringAFreezeNeverRunsInRedis() throws {
        let redis = try RedisServer()
        let hub = try HubProcess(arguments: ["--redis", "127.0.0.1:\(redis.port)", "--loops", "1"])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        let before = try Self.answeredID(TestHTTP.postForm(hub.port, "channel=frozen&data=before"))
        redis.freeze()
        let answer = try TestHTTP.postForm(hub.port, "channel=frozen&data=during")
        redis.resume()
        let during = try Self.answeredID(answer)
        // Answered by the hub alone, under an epoch of its own.
        #expect(during.epoch != before.epoch, "answered \(during) after \(before)")
        // A new connection's command runs after what Redis had buffered on the hub's old one (that data was
        // readable when Redis thawed; this connection is accepted and read later).
        let stream = try redis.command("XRANGE ssehub:stream:frozen - +")
        #expect(stream.contains("before") && !stream.contains("during"), "stream \(stream)")
        let health = try JSONParser.parse(TestHTTP.get(hub.port, "/health").body)
        #expect(health["redis"]?["expiredPublishes"] == .number(1))
        #expect(health["redis"]?["lateAnswers"] == .number(0))
    }

    /// Redis thaws after the hub has already declared it silent but before the publish's deadline: the failed
    /// connection stays open to read the answer, and the event has Redis's id only.
    @Test func aPublishRedisRunsBeforeItsDeadlineIsAnsweredWithRedisID() throws {
        let redis = try RedisServer()
        let hub = try HubProcess(arguments: [
            "--redis", "127.0.0.1:\(redis.port)", "--loops", "1", "--redis-publish-timeout", "8", "--head-timeout",
            "30",
        ])
        try eventually("the hub joined Redis") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        let before = try Self.answeredID(TestHTTP.postForm(hub.port, "channel=thawed&data=before"))
        redis.freeze()
        let publisher = try TestSocket(port: hub.port)
        let body = "channel=thawed&data=during"
        publisher.send(
            "POST /broadcast HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        // The hub gives the publishing connection up (PING unanswered for 3 s) with the publish still in flight.
        try eventually("the hub to give up its publishing connection", timeout: 7) {
            hub.output.contains("redis publish: lost")
        }
        #expect((try? TestHTTP.get(hub.port, "/health/ready"))?.status == 503)
        redis.resume()
        let during = try Self.answeredID(publisher.readResponse(timeout: 20))
        #expect(during.epoch == before.epoch && during.sequence == before.sequence + 1, "\(during) after \(before)")
        let stream = try redis.command("XRANGE ssehub:stream:thawed - +")
        #expect(stream.contains("during") && stream.contains(during.description), "stream \(stream)")
        let health = try JSONParser.parse(TestHTTP.get(hub.port, "/health").body)
        #expect(health["redis"]?["expiredPublishes"] == .number(0))
    }

    static func answeredID(_ response: TestResponse) throws -> EventID {
        #expect(response.status == 200)
        guard case .string(let text)? = try JSONParser.parse(response.body)["id"], let id = EventID(text) else {
            throw TestTimeout(what: "an id in \(String(decoding: response.body, as: UTF8.self))")
        }
        return id
    }
}
