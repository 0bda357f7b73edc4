/// What code running on a loop may use besides HTTP: descriptor watches and timers, for protocol clients
/// that live on the loop (the Redis bridge). Loop-thread only; obtained through `Hub.run(onLoop:_:)`.
package final class LoopContext {
    unowned let loop: EventLoop

    init(loop: EventLoop) {
        self.loop = loop
    }

    package var hub: Hub { loop.hub }
    package var index: Int { loop.handle.index }

    /// Starts watching `fd` (readiness is reported only for what the watch wants).
    package func watch(fd: Int32, _ handler: @escaping (LoopReadiness) -> Void) -> FDWatch {
        loop.addWatch(fd: fd, handler: handler)
    }

    /// Runs `body` once on this loop after `delay`.
    @discardableResult
    package func schedule(after delay: Duration, _ body: @escaping () -> Void) -> LoopTimer {
        loop.addTimer(after: delay.nanoseconds, body)
    }

    /// Runs `body` once when this turn's readiness and messages are handled, before the loop waits again: work
    /// gathered over a turn (the Redis bridge's broadcasts) goes out together.
    package func beforeNextWait(_ body: @escaping () -> Void) {
        loop.beforeWait.append(body)
    }

    /// Keeps `object` alive as long as the loop runs (a client whose callbacks the loop calls).
    package func retain(_ object: AnyObject) {
        loop.attachments.append(object)
    }

    /// The first retained object of type `T`, for tasks that reach a client living on this loop.
    package func attachment<T: AnyObject>(_ type: T.Type) -> T? {
        loop.attachments.lazy.compactMap { $0 as? T }.first
    }
}

package enum LoopReadiness {
    case readable
    case writable
}

/// One watched descriptor. Set `wantsRead`/`wantsWrite` freely (idempotent, as hiredis's hooks need);
/// `cancel()` before closing the descriptor.
package final class FDWatch {
    package let fd: Int32
    let generation: UInt32
    unowned let loop: EventLoop
    let handler: (LoopReadiness) -> Void
    private(set) var cancelled = false

    package var wantsRead = false {
        didSet { if wantsRead != oldValue { update() } }
    }

    package var wantsWrite = false {
        didSet { if wantsWrite != oldValue { update() } }
    }

    init(fd: Int32, generation: UInt32, loop: EventLoop, handler: @escaping (LoopReadiness) -> Void) {
        self.fd = fd
        self.generation = generation
        self.loop = loop
        self.handler = handler
    }

    private func update() {
        guard !cancelled else { return }
        var interest: Interest = []
        if wantsRead { interest.insert(.read) }
        if wantsWrite { interest.insert(.write) }
        loop.updateWatch(self, interest: interest)
    }

    package func cancel() {
        guard !cancelled else { return }
        cancelled = true
        loop.removeWatch(self)
    }
}

/// A scheduled call; `cancel()` stops it if it has not run.
package final class LoopTimer {
    let deadline: UInt64
    let body: () -> Void
    var cancelled = false

    init(deadline: UInt64, body: @escaping () -> Void) {
        self.deadline = deadline
        self.body = body
    }

    package func cancel() { cancelled = true }
}
