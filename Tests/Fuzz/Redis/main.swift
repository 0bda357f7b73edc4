import Broadcast
import CHiredis
import FuzzSupport
import SSEHub

// What comes back from Redis: RESP replies as hiredis's reader decodes them and `RedisReply` copies them, and
// the pub/sub envelopes and stream entries the bridge reads out of them. Any Redis client can publish anything
// on the group's channels, so none of it may trap. Replies must decode the same whole and in chunks and survive
// re-encoding; an accepted envelope must carry a valid event name and channel list and rebuild to itself.

/// The replies in `input` fed in `pieces`, and whether the reader stopped at a protocol error.
func decode(_ input: [UInt8], in pieces: [Range<Int>]) -> (replies: [RedisReply], failed: Bool) {
    guard let reader = redisReaderCreate() else { fatalError("redisReaderCreate failed") }
    defer { redisReaderFree(reader) }
    var replies: [RedisReply] = []
    for piece in pieces {
        let fed = input[piece].withUnsafeBytes { bytes in
            redisReaderFeed(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard fed == REDIS_OK else { return (replies, true) }
        while true {
            var reply: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &reply) == REDIS_OK else { return (replies, true) }
            guard let reply else { break }
            replies.append(RedisReply(reply.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(reply)
        }
    }
    return (replies, false)
}

/// RESP2 text of `reply`, as Redis would send it.
func encode(_ reply: RedisReply, into out: inout [UInt8]) {
    func line(_ text: String) { out += Array(text.utf8) + [0x0D, 0x0A] }
    switch reply {
    case .string(let bytes):
        line("$\(bytes.count)")
        out += bytes + [0x0D, 0x0A]
    case .status(let text): line("+" + text)
    case .error(let text): line("-" + text)
    case .integer(let value): line(":\(value)")
    case .null: line("$-1")
    case .array(let items):
        line("*\(items.count)")
        for item in items { encode(item, into: &out) }
    }
}

func checkEnvelope(_ bytes: [UInt8]) {
    guard let (id, event, channels, key, data) = RedisBridgeCore.parseEnvelope(bytes, maxChannelName: 128) else {
        return
    }
    if let key { require(!key.isEmpty && EventEncoder.isValidFieldValue(key.utf8), "key \(key) breaks a line") }
    if let event {
        require(!event.isEmpty && EventEncoder.isValidFieldValue(event.utf8), "event name \(event) breaks a field")
    }
    require(channels.count != 1, "a channel list of one")
    require(channels.allSatisfy { ChannelName.validate($0, maxLength: 128) == nil }, "invalid channel in \(channels)")
    require(bytes.count >= data.count && Array(bytes.suffix(data.count)) == data, "data is not the envelope's tail")
    let rebuilt =
        Array("\(id)\n\(event ?? "")\n\(channels.joined(separator: " "))\(key.map { "\t" + $0 } ?? "")\n".utf8) + data
    guard let again = RedisBridgeCore.parseEnvelope(rebuilt, maxChannelName: 128) else {
        fatalError("a rebuilt envelope is rejected")
    }
    require(
        again.0 == id && again.1 == event && again.2 == channels && again.3 == key && again.4 == data,
        "rebuilt envelope differs")
}

func checkStoredEvent(_ reply: RedisReply) {
    guard let stored = RedisBridgeCore.storedEvent(reply) else { return }
    if let event = stored.event {
        require(!event.isEmpty && EventEncoder.isValidFieldValue(event.utf8), "stored event name breaks a field")
    }
}

/// Whether `input` declares an array of more than 65,536 elements. hiredis allocates an array's slots as soon as
/// it reads the count, so `*2000000000` is a 16 GB allocation; counts come from the Redis server itself, not from
/// the clients that publish, so such inputs test nothing of ours and are skipped.
func declaresHugeArray(_ input: [UInt8]) -> Bool {
    for index in input.indices where input[index] == UInt8(ascii: "*") {
        var count = 0
        var cursor = index + 1
        while cursor < input.count, input[cursor] >= 0x30, input[cursor] <= 0x39, count <= 65536 {
            count = count * 10 + Int(input[cursor] - 0x30)
            cursor += 1
        }
        if count > 65536 { return true }
    }
    return false
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    checkEnvelope(input)
    guard !declaresHugeArray(input) else { return 0 }
    var random = SplitMix(seed: input)
    let whole = decode(input, in: input.isEmpty ? [] : [0..<input.count])
    let chunked = decode(input, in: random.chunks(of: input.count, upTo: 8))
    require(whole.replies == chunked.replies, "chunked replies differ: \(whole.replies) vs \(chunked.replies)")
    require(whole.failed == chunked.failed, "chunked decoding fails differently")
    for reply in whole.replies {
        var text: [UInt8] = []
        encode(reply, into: &text)
        let again = decode(text, in: [0..<text.count])
        require(again.replies == [reply] && !again.failed, "re-encoded \(reply) decodes as \(again)")
        checkStoredEvent(reply)
        if case .array(let parts) = reply, parts.count == 3, case .string(let envelope) = parts[2] {
            checkEnvelope(envelope)
        }
        if case .array(let entries) = reply { entries.forEach(checkStoredEvent) }
    }
    return 0
}

FuzzDriver.run(fuzzOne)
