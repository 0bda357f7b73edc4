import Broadcast
import Glibc
import Testing

@Suite struct FanoutTests {
    /// 2,000 subscribers over four channels on three loops; 500 events published concurrently from two
    /// threads (in-process) and over HTTP. Every subscriber must get every event of its channels exactly once,
    /// in publish order per channel.
    @Test func twoThousandSubscribersGetEveryEventOnceInOrder() throws {
        try withHub({ $0.loops = 3 }) { hub in
            let channels = ["c0", "c1", "c2", "c3"]
            var clients: [(SSEClient, [String])] = []
            for index in 0..<2000 {
                // Every tenth subscriber listens to two channels at once.
                let mine = index % 10 == 0 ? [channels[index % 4], channels[(index + 1) % 4]] : [channels[index % 4]]
                let query = mine.map { "channel=\($0)" }.joined(separator: "&")
                clients.append((try SSEClient(port: hub.port, path: "/events?\(query)"), mine))
            }
            for (client, _) in clients { try client.readHead() }
            #expect(healthNumber(hub, "subscribers") == 2000 + 200)

            // 125 events per channel: c0, c1 from threads in-process, c2, c3 over HTTP keep-alive connections.
            let threads = [
                PublisherThread(hub: hub, channel: "c0", count: 125),
                PublisherThread(hub: hub, channel: "c1", count: 125),
            ]
            let sockets = [try TestSocket(port: hub.port), try TestSocket(port: hub.port)]
            for index in 1...125 {
                for (offset, socket) in sockets.enumerated() {
                    let response = try socket.exchange(
                        "POST", "/broadcast", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                        body: Array("channel=c\(offset + 2)&data=\(index)".utf8))
                    #expect(response.status == 200)
                }
            }
            threads.forEach { $0.join() }

            var seen = 0
            for (client, mine) in clients {
                try client.waitForEvents(125 * mine.count, timeout: 30)
                #expect(client.events.count == 125 * mine.count)
                // Per channel order: each channel's data counts 1...125. Data alone does not name the channel,
                // so check via ids: unique, and for single-channel subscribers, data in order.
                let ids = client.events.compactMap(\.id)
                #expect(Set(ids).count == ids.count, "no duplicates")
                if mine.count == 1 {
                    #expect(client.events.map(\.data) == (1...125).map(String.init))
                } else {
                    // Two channels interleave, but each channel's numbers stay in order.
                    var next = [Int](repeating: 1, count: 2)
                    for event in client.events {
                        let value = Int(event.data)!
                        let lane = next.firstIndex(of: value)
                        #expect(lane != nil, "event \(value) out of order")
                        if let lane { next[lane] += 1 }
                    }
                    #expect(next == [126, 126])
                }
                seen += client.events.count
            }
            #expect(seen == 125 * 2200)
        }
    }
}
