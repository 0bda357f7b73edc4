import Broadcast
import Testing

/// Issue 8 items 7 and 8: every way into a hub reaches the whole group with the group's ids, and an event to
/// several channels reaches a stream of several of them once, live and on resume.
extension RedisGroupTests {
    private struct Card: Encodable { let title: String }

    @Test func everyBroadcastEntryReachesTheOtherHubThroughRedis() throws {
        let redis = try RedisServer()
        let directory = TemplateLibraryTests.directory(["card.mustache": "<b>{{title}}</b>"])
        try withGroup(2, redis: redis, configure: { $0.templatesDirectory = directory }) { hubs, prefix in
            let remote = try SSEClient(port: hubs[1].port, path: "/events/entry")
            try remote.readHead()
            try waitForSubscribers(redis, prefix, channel: "entry", count: 1)
            let sender = Broadcaster(attachingTo: hubs[0])
            var ids: [String] = []
            ids.append(try sender.broadcast(channel: "entry", data: "channel").description)
            ids.append(try sender.broadcast(channels: ["entry"], data: "channels").id.description)
            ids.append(
                try sender.broadcast(channel: "entry", template: "card", context: ["title": "value"]).description)
            ids.append(
                try sender.broadcast(channel: "entry", template: "card", context: Card(title: "encodable"))
                    .description)
            for response in [
                try TestHTTP.postJSON(hubs[0].port, #"{"channel":"entry","data":"json"}"#),
                try TestHTTP.postJSON(
                    hubs[0].port, #"{"channel":"entry","template":"card","context":{"title":"http"}}"#),
                try TestHTTP.postForm(hubs[0].port, "channel=entry&data=form"),
            ] {
                #expect(response.status == 200, "\(response.text)")
                ids.append(try JSONParser.parse(response.body)["id"]?.stringValue ?? "")
            }
            try remote.waitForEvents(ids.count)
            #expect(
                remote.events.map(\.data) == [
                    "channel", "channels", "<b>value</b>", "<b>encodable</b>", "json", "<b>http</b>", "form",
                ])
            #expect(remote.events.map(\.id) == ids)
            // Every one was stored by the group's script, under the group's epoch.
            #expect(try redis.command("XLEN \(prefix)stream:entry").hasPrefix(":\(ids.count)\r\n"))
            let epoch = try redis.command("GET \(prefix)epoch").split(separator: "\r\n")[1]
            #expect(ids.allSatisfy { $0.hasPrefix("\(epoch)-") }, "\(ids) under \(epoch)")
        }
    }

    @Test func anEventToTwoChannelsReachesATwoChannelStreamOnceLiveAndOnResume() throws {
        let redis = try RedisServer()
        try withGroup(2, redis: redis) { hubs, prefix in
            let path = "/events?channel=left&channel=right"
            let remote = try SSEClient(port: hubs[1].port, path: path)
            try remote.readHead()
            for channel in ["left", "right"] { try waitForSubscribers(redis, prefix, channel: channel, count: 1) }
            let sender = Broadcaster(attachingTo: hubs[0])
            let before = try sender.broadcast(channel: "left", data: "before")
            let response = try TestHTTP.postJSON(hubs[0].port, #"{"channels":["left","right"],"data":"http"}"#)
            #expect(response.status == 200)
            try sender.broadcast(channels: ["right", "left"], data: "in-process")
            try sender.broadcast(channel: "right", data: "after")
            try remote.waitForEvents(4)
            // A duplicate would arrive before "after": Redis pushes one script's messages together.
            #expect(remote.events.map(\.data) == ["before", "http", "in-process", "after"])
            // Resumed from this hub's ring, and from Redis's streams on a hub that never heard the channels.
            var expected = ["http", "in-process", "after"]
            for hub in hubs.reversed() {
                let resumed = try SSEClient(port: hub.port, path: path, headers: [("Last-Event-ID", "\(before)")])
                try resumed.readHead()
                try resumed.waitForEvents(expected.count)
                expected.append("marker \(hub.port)")
                try sender.broadcast(channel: "left", data: expected.last!)
                try resumed.waitForEvents(expected.count)
                #expect(resumed.events.map(\.data) == expected)
            }
        }
    }
}
