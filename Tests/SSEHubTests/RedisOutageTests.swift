import Glibc
import Testing

/// A Redis outage as long as real ones: the hub redials many times while it lasts (the crash of issue 8 item 1
/// came with the first failed redial), keeps serving its own subscribers, and rejoins the group afterwards.
@Suite(.serialized) struct RedisOutageTests {
    @Test func aTenSecondOutageLeavesTheHubAliveServingAndRejoining() throws {
        let redis = try RedisServer()
        let hub = try HubProcess(arguments: ["--redis", "127.0.0.1:\(redis.port)", "--loops", "2"])
        try eventually("the hub to be ready") { (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200 }
        let client = try SSEClient(port: hub.port, path: "/events/local")
        try client.readHead()
        #expect(try TestHTTP.postForm(hub.port, "channel=local&data=before").status == 200)
        try client.waitForEvents(1)
        redis.stop()
        // Ten seconds of refused redials (backoff from 100 ms, capped at 5 s): several failed dials.
        let outageEnds = TestClock.now() + 10
        var during = 0
        while TestClock.now() < outageEnds {
            #expect(hub.isRunning, "the hub died during the outage")
            guard hub.isRunning else { return }
            during += 1
            #expect(try TestHTTP.postForm(hub.port, "channel=local&data=during\(during)").status == 200)
            try client.waitForEvents(1 + during)
            napBriefly()
        }
        try redis.start()
        try eventually("the hub to rejoin", timeout: 20) {
            (try? TestHTTP.get(hub.port, "/health/ready"))?.status == 200
        }
        #expect(try TestHTTP.postForm(hub.port, "channel=local&data=after").status == 200)
        try client.waitForEvents(2 + during)
        #expect(client.events.last?.data == "after")
        #expect(hub.stop()?.status == 0)
    }
}
