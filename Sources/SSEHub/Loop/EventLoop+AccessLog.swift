/// What the access log keeps of a request until its answer is queued (only with `accessLog` on). Held by its
/// loop (`EventLoop.accessEntries`), on that loop's thread only.
struct AccessEntry {
    let method: String
    /// The path without its query: a query may carry secrets (`access_token`, which `EventSource` pages must
    /// put there), so no query ever reaches the log. Headers (`Authorization`, cookies) are never logged either.
    let path: String
    let startedAt: UInt64
    /// Tells the entry of a closed connection from its descriptor's next user.
    let generation: UInt32
}

/// The access log: one line per publish (`POST /broadcast`, whatever its answer) and per refused request
/// (status 400 and above, including requests that never parsed), with method, path, status, bytes, peer and
/// duration. Off by default; when off it costs one Bool test per request and nothing per event.
extension EventLoop {
    func noteAccess(_ request: HTTPRequest, startedAt: UInt64, on connection: Connection) {
        accessEntries[connection.fd] = AccessEntry(
            method: request.method, path: String(request.path), startedAt: startedAt,
            generation: connection.generation)
    }

    /// Called with every answer queued; logs it if it is a publish or a refusal.
    func logAccess(status: Int, bytes: Int, on connection: Connection) {
        let entry = accessEntries.removeValue(forKey: connection.fd).flatMap {
            $0.generation == connection.generation ? $0 : nil
        }
        let isPublish = entry.map { $0.method == "POST" && $0.path == "/broadcast" } ?? false
        guard status >= 400 || isPublish else { return }
        let now = MonotonicClock.now()
        let started = entry?.startedAt ?? now
        let milliseconds = Double(now > started ? now - started : 0) / 1e6
        let method = entry?.method ?? "-"
        let path = entry?.path ?? "-"
        Log.info(
            "access", "\(method) \(path) \(status)",
            [
                ("method", .string(method)), ("path", .string(path)), ("status", .number(Double(status))),
                ("bytes", .number(Double(bytes))), ("peer", .string(SocketAddress.peer(of: connection.fd) ?? "-")),
                ("duration_ms", .number((milliseconds * 1000).rounded() / 1000)),
            ])
    }
}
