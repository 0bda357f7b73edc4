import SSEHub
import Synchronization
import Testing

@Suite struct PresenceTests {
    final class Recorder: Sendable {
        let changes = Mutex<[String]>([])
        func counts(of channel: String) -> [Int] {
            changes.withLock { $0.filter { $0.hasPrefix(channel + "=") }.map { Int($0.split(separator: "=")[1])! } }
        }
    }

    @Test func reportsEachChannelsSubscribersAsTheyComeAndGo() throws {
        try withHub { hub in
            let recorder = Recorder()
            hub.observePresence { channel, subscribers in
                recorder.changes.withLock { $0.append("\(channel)=\(subscribers)") }
            }
            var clients: [SSEClient] = []
            for path in ["/events/room", "/events/room", "/events?channel=room&channel=hall"] {
                clients.append(try SSEClient(port: hub.port, path: path))
                try clients.last!.readHead()
                let expected = clients.count
                try eventually("\(expected) in room") { recorder.counts(of: "room").last == expected }
            }
            let inProcess = try hub.subscribe(channels: ["hall"])
            try eventually("two in hall") { recorder.counts(of: "hall").last == 2 }
            while !clients.isEmpty {
                clients.removeLast()  // its socket closes with it
                let expected = clients.count
                try eventually("\(expected) in room") { recorder.counts(of: "room").last == expected }
            }
            #expect(recorder.counts(of: "room") == [1, 2, 3, 2, 1, 0])
            #expect(recorder.counts(of: "hall") == [1, 2, 1])
            withExtendedLifetime(inProcess) {}
        }
    }
}
