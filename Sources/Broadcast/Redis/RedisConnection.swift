import CHiredis
import Glibc
import SSEHub

/// One hiredis async connection driven by a hub loop's epoll through hiredis's `ev` hooks. Loop-thread only.
///
/// hiredis 0.14.1 has no async timeouts: the owner (`RedisClient`) runs connect deadlines and liveness pings
/// on the loop's timers. Commands go through `redisAsyncCommandArgv` (the variadic call is unavailable from
/// Swift), so arguments are binary-safe.
final class RedisConnection {
    enum Event {
        case connected
        /// The connection failed or closed; hiredis frees the context after this.
        case disconnected(String)
    }

    private(set) var context: UnsafeMutablePointer<redisAsyncContext>?
    private var watch: FDWatch?
    private let onEvent: (Event) -> Void
    /// Pushes on a subscribed connection (`message`, `subscribe`, `unsubscribe` arrays).
    var onPush: ((RedisReply) -> Void)?

    init(address: RedisAddress, loop: LoopContext, onEvent: @escaping (Event) -> Void) throws(RedisAddressError) {
        self.onEvent = onEvent
        let context: UnsafeMutablePointer<redisAsyncContext>?
        switch address.endpoint {
        case .tcp(let host, let port): context = redisAsyncConnect(host, Int32(port))
        case .unix(let path): context = redisAsyncConnectUnix(path)
        }
        guard let context else { throw RedisAddressError("hiredis could not allocate a connection") }
        guard context.pointee.err == 0 else {
            let message = String(cString: context.pointee.errstr)
            redisAsyncFree(context)
            throw RedisAddressError(message)
        }
        // hiredis 0.14.1 opens the socket without close-on-exec. A process this program spawns would hold a copy
        // of it: Redis would see a connection this hub dropped as open (a subscriber given up on after a freeze
        // stayed subscribed beside its replacement). Set at once; a fork on another thread in between still
        // inherits it, which only the spawner can prevent (closing what its child does not need).
        let fd = context.pointee.c.fd
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
        self.context = context
        let me = Unmanaged.passUnretained(self).toOpaque()
        context.pointee.data = me
        context.pointee.ev.data = me
        // The hooks are idempotent: FDWatch ignores a request for what it already has.
        context.pointee.ev.addRead = { RedisConnection.from($0)?.watch?.wantsRead = true }
        context.pointee.ev.delRead = { RedisConnection.from($0)?.watch?.wantsRead = false }
        context.pointee.ev.addWrite = { RedisConnection.from($0)?.watch?.wantsWrite = true }
        context.pointee.ev.delWrite = { RedisConnection.from($0)?.watch?.wantsWrite = false }
        context.pointee.ev.cleanup = { RedisConnection.from($0)?.detach() }
        redisAsyncSetConnectCallback(context) { context, status in
            guard let connection = RedisConnection.from(context?.pointee.data) else { return }
            if status == REDIS_OK {
                connection.onEvent(.connected)
            } else {
                connection.released(by: context)
            }
        }
        redisAsyncSetDisconnectCallback(context) { context, _ in
            guard let connection = RedisConnection.from(context?.pointee.data) else { return }
            connection.released(by: context)
        }
        // Strong for the whole report: hiredis may announce a failure from inside `redisAsyncHandle*` (the owner
        // then drops this connection) and goes on to free the context and call its hooks before it returns.
        // Freeing the connection under it was issue 8 item 1 (use-after-free on the first failed redial).
        watch = loop.watch(fd: context.pointee.c.fd) { [weak self] readiness in
            guard let self, let context = self.context else { return }
            switch readiness {
            case .readable: redisAsyncHandleRead(context)
            case .writable: redisAsyncHandleWrite(context)
            }
        }
        // hiredis reports the connect on the first writable event; ask for it now.
        watch?.wantsWrite = true
    }

    deinit {
        close()
    }

    private static func from(_ pointer: UnsafeMutableRawPointer?) -> RedisConnection? {
        pointer.map { Unmanaged<RedisConnection>.fromOpaque($0).takeUnretainedValue() }
    }

    private static func error(_ context: UnsafePointer<redisAsyncContext>?) -> String {
        guard let context, context.pointee.err != 0, let text = context.pointee.errstr else {
            return "connection closed"
        }
        return String(cString: text)
    }

    /// hiredis frees `context` after the callback that calls this (a failed connect or a disconnect). The
    /// pointers are cleared first so hiredis's own free path, the only one for this context, finds no
    /// connection in its later hooks, whatever the owner does with this object on `onEvent`.
    private func released(by context: UnsafePointer<redisAsyncContext>?) {
        let reason = RedisConnection.error(context)
        self.context = nil
        if let context = context.map(UnsafeMutablePointer.init(mutating:)) {
            context.pointee.data = nil
            context.pointee.ev.data = nil
        }
        detach()
        onEvent(.disconnected(reason))
    }

    private func detach() {
        watch?.cancel()
        watch = nil
    }

    /// Sends a command; `callback` gets the copied reply, or nil if the connection went away first.
    func send(_ arguments: [[UInt8]], _ callback: @escaping (RedisReply?) -> Void) {
        let box = Unmanaged.passRetained(ReplyBox(callback)).toOpaque()
        let sent = issue(arguments, privdata: box) { _, reply, privdata in
            // Called once per command: with the reply, or with nil when the context is freed first.
            let box = Unmanaged<ReplyBox>.fromOpaque(privdata!).takeRetainedValue()
            box.callback(reply.map { RedisReply($0.assumingMemoryBound(to: redisReply.self)) })
        }
        if !sent {
            Unmanaged<ReplyBox>.fromOpaque(box).release()
            callback(nil)
        }
    }

    /// SUBSCRIBE / UNSUBSCRIBE: hiredis calls back for every push on the channel, so the callback is the
    /// connection's long-lived `onPush`, not a one-shot box.
    func sendSubscription(_ arguments: [[UInt8]]) {
        _ = issue(arguments, privdata: Unmanaged.passUnretained(self).toOpaque()) { context, reply, _ in
            guard let reply, let connection = RedisConnection.from(context?.pointee.data) else { return }
            connection.onPush?(RedisReply(reply.assumingMemoryBound(to: redisReply.self)))
        }
    }

    private func issue(
        _ arguments: [[UInt8]], privdata: UnsafeMutableRawPointer,
        _ callback:
            @escaping @convention(c) (
                UnsafeMutablePointer<redisAsyncContext>?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?
            ) -> Void
    ) -> Bool {
        guard let context else { return false }
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        var storage: [UnsafeMutablePointer<CChar>] = []
        defer { storage.forEach { $0.deallocate() } }
        for argument in arguments {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, argument.count))
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress {
                    UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: argument.count)
                }
            }
            storage.append(copy)
            pointers.append(UnsafePointer(copy))
            lengths.append(argument.count)
        }
        let status = pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                redisAsyncCommandArgv(
                    context, callback, privdata, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
            }
        }
        return status == REDIS_OK
    }

    /// Closes the connection; pending callbacks get nil. Safe to call twice.
    func close() {
        guard let context else { return }
        self.context = nil
        // hiredis defers a free requested inside one of its callbacks and calls the hooks later; with the
        // pointers cleared those late calls find no connection instead of a freed one.
        context.pointee.data = nil
        context.pointee.ev.data = nil
        detach()
        redisAsyncFree(context)
    }

    private final class ReplyBox {
        let callback: (RedisReply?) -> Void
        init(_ callback: @escaping (RedisReply?) -> Void) { self.callback = callback }
    }
}

extension Array where Element == [UInt8] {
    /// A command from its words.
    static func command(_ words: String...) -> [[UInt8]] { words.map { [UInt8]($0.utf8) } }
}
