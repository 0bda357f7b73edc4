import Synchronization

/// Reads the group's epochs off Redis (`SMEMBERS ssehub:epochs`, the set the publish and raise scripts add to)
/// four times a second, from before the first hub connects until publishing stops, and keeps every one it
/// saw: Redis forgets them on each restart. They tell the checker which epochs are the group's for certain;
/// guessing from the publishers' answers alone took a group epoch no answer carried for none, and so the
/// local epoch just above it for the group's (soak finding 11).
final class EpochWatcher: Sendable {
    private let redis: RedisControl
    private let seen = Mutex<Set<UInt64>>([])
    private let running = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)

    init(redis: RedisControl) {
        self.redis = redis
    }

    var epochs: Set<UInt64> { seen.withLock { $0 } }

    func run() {
        defer { finished.store(true, ordering: .releasing) }
        while running.load(ordering: .relaxed) {
            // A killed or frozen Redis answers nothing (the socket's 2 s timeouts bound the wait).
            if let reply = redis.command(["SMEMBERS", "ssehub:epochs"]) {
                let found = Self.members(of: reply)
                seen.withLock { $0.formUnion(found) }
            }
            Sys.sleep(seconds: 0.25)
        }
    }

    /// Stops the loop (within one read).
    func stop() {
        running.store(false, ordering: .relaxed)
        for _ in 0..<50 where !finished.load(ordering: .acquiring) { Sys.sleep(seconds: 0.1) }
    }

    /// The numbers of a RESP array of bulk strings: every line that is not a `*` or `$` header. A reply cut
    /// short by one read loses its unfinished last line (a prefix of a number is another number), which the
    /// next read brings.
    static func members(of reply: String) -> [UInt64] {
        var lines = reply.split(separator: "\r\n", omittingEmptySubsequences: true)
        if !reply.hasSuffix("\r\n") { lines.removeLast() }
        return lines.compactMap { line in
            guard let first = line.first, first.isNumber else { return nil }
            return UInt64(line)
        }
    }
}
