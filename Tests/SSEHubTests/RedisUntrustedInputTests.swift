import Broadcast
import Testing

/// Every byte that comes back from Redis is untrusted: any client of the same Redis may PUBLISH to a hub's
/// channels or XADD to its streams. Malformed means counted and skipped (or, for stored history, a reset);
/// never a crash, never injected SSE fields.
@Suite(.serialized) struct RedisUntrustedInputTests {
    /// Envelopes `id\nevent\nchannels[\tkey]\ndata`, published to channel `m`, that a hub must not deliver.
    static let malformedEnvelopes: [String] = [
        "18446744073709551616-1\n\n\nhello",  // past UInt64
        "1-18446744073709551616\n\n\nhello",
        "-1\n\n\nhello",
        "1-\n\n\nhello",
        "1-2",  // no newlines at all
        "1-2\nno-second-newline",
        "1-2\n\nno-third-newline",
        "1-2\nbad\revent\n\nhello",
        "1-2\nbad\u{0}event\n\nhello",
        "\n\n\n",
        "1-2\n\nm\nhello",  // a list of one: lists are for several
        "1-2\n\nx y\nhello",  // a list without the channel it came on
        "1-2\n\nm bad%name\nhello",
        "1-2\n\nm  y\nhello",  // an empty name
        "1-2\n\n\t\nhello",  // a tab and no key
        "1-2\n\n\t" + String(repeating: "k", count: 129) + "\nhello",  // a key longer than a channel name
        "1-2\n\n\tbad\rkey\nhello",
        "1-2\n\nm\tkey\nhello",  // a list of one before the key
    ]

    @Test(arguments: malformedEnvelopes)
    func aMalformedEnvelopeIsCountedAndSkipped(envelope: String) throws {
        try withSubscriber { redis, hubs, prefix, client in
            try redis.publishRaw(channel: "\(prefix)channel:m", payload: Array(envelope.utf8))
            #expect(try TestHTTP.postForm(hubs[0].port, "channel=m&data=fine").status == 200)
            try client.waitForEvents(1)
            #expect(client.events.map(\.data) == ["fine"])
            let health = try JSONParser.parse(try TestHTTP.get(hubs[0].port, "/health").body)
            #expect(health["redis"]?["malformed"] == .number(1))
        }
    }

    /// Ids past `Int64` are valid and go out as they came, digit for digit (the first trapped in
    /// `EventID.append` and killed every subscribed hub).
    @Test(arguments: ["9223372036854775808-1", "18446744073709551615-18446744073709551615"])
    func idsPastInt64AreDeliveredExactly(largest: String) throws {
        try withSubscriber { redis, hubs, prefix, client in
            try redis.publishRaw(channel: "\(prefix)channel:m", payload: Array("\(largest)\nbig\n\nhello".utf8))
            try client.waitForEvents(1)
            #expect(client.events == [ReceivedEvent(id: largest, event: "big", data: "hello")])
        }
    }

    /// A stream entry whose event name holds a line break would inject fields into the resumed stream: the
    /// history is refused and the client gets a reset instead.
    @Test func aStoredEntryWithALineBreakInItsEventNameIsNotReplayed() throws {
        let redis = try RedisServer()
        try RedisGroupTests().withGroup(2, redis: redis) { hubs, prefix in
            let broadcaster = Broadcaster(attachingTo: hubs[0])
            let first = try broadcaster.broadcast(channel: "s", data: "one")
            // The hostile entry sits after the client's id, in the same stream the hubs write.
            let stream = "\(prefix)stream:s"
            let hostileID = EventID(epoch: first.epoch, sequence: first.sequence + 1_000_000)
            try redis.sendRaw([
                "XADD", stream, hostileID.description, "e", "x\ndata: injected", "d", "payload",
            ])
            let moved = try SSEClient(
                port: hubs[1].port, path: "/events/s", headers: [("Last-Event-ID", first.description)])
            try moved.readHead()
            try moved.waitForEvents(1)
            #expect(moved.events.map(\.event) == ["reset"])
            #expect(!moved.events.contains { $0.data.contains("injected") })
        }
    }
}

/// One hub of a group with a stream on channel `m` that Redis knows of.
private func withSubscriber(_ body: (RedisServer, [Hub], String, SSEClient) throws -> Void) throws {
    let redis = try RedisServer()
    try RedisGroupTests().withGroup(1, redis: redis) { hubs, prefix in
        let client = try SSEClient(port: hubs[0].port, path: "/events/m")
        try client.readHead()
        try RedisGroupTests().waitForSubscribers(redis, prefix, channel: "m", count: 1)
        try body(redis, hubs, prefix, client)
    }
}

extension RedisServer {
    /// PUBLISH with a binary-safe payload (RESP multi-bulk; inline commands cannot carry line breaks).
    func publishRaw(channel: String, payload: [UInt8]) throws {
        try sendRaw([Array("PUBLISH".utf8), Array(channel.utf8), payload])
    }

    func sendRaw(_ words: [String]) throws {
        try sendRaw(words.map { Array($0.utf8) })
    }

    /// Sends one command as a RESP array and waits for its reply.
    func sendRaw(_ words: [[UInt8]]) throws {
        var bytes = Array("*\(words.count)\r\n".utf8)
        for word in words {
            bytes += Array("$\(word.count)\r\n".utf8) + word + Array("\r\n".utf8)
        }
        let socket = try TestSocket(port: port)
        socket.send(bytes)
        #expect(socket.readSome(timeout: 2), "Redis answered the command")
    }
}
