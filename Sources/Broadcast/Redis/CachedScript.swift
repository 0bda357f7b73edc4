/// A Lua script Redis keeps in its script cache: sent as `EVALSHA` and its 40-byte SHA1 once loaded, as `EVAL`
/// and its whole text before that. A restarted Redis has lost its cache, so the script is loaded again on every
/// (re)connect, and a `NOSCRIPT` answer (the cache flushed under us) loads it again while the caller resends
/// that one command. Loop-thread only.
final class CachedScript {
    let text: String
    private var sha: [UInt8]?
    private var loading = false

    init(_ text: String) { self.text = text }

    /// Whether commands go by the SHA1 now.
    var isLoaded: Bool { sha != nil }

    /// Loads the script into `client`'s Redis; until the answer, commands carry the text. One load at a time:
    /// several refused commands of one cache loss load it once.
    func load(on client: RedisClient) {
        sha = nil
        guard !loading else { return }
        loading = true
        client.send([Array("SCRIPT".utf8), Array("LOAD".utf8), Array(text.utf8)]) { [weak self] reply in
            self?.loading = false
            if case .string(let sha)? = reply { self?.sha = sha }
        }
    }

    /// The command's first words: `EVALSHA sha`, or `EVAL text` while Redis may not have it.
    var command: [[UInt8]] { sha.map { [Array("EVALSHA".utf8), $0] } ?? [Array("EVAL".utf8), Array(text.utf8)] }

    /// Whether `reply` says Redis has lost the script; then it is loaded again, and the caller sends its command
    /// once more (with the text, as `command` is by then).
    func wasMissing(_ reply: RedisReply?, on client: RedisClient) -> Bool {
        guard case .error(let message)? = reply, message.hasPrefix("NOSCRIPT") else { return false }
        load(on: client)
        return true
    }
}
