import Dispatch
import Synchronization

/// What a drain shares between the thread that runs it and the loops: whether readiness is withdrawn, whether the
/// listener is closed, and a semaphore the loops signal when the last connection closes. Safe from any thread.
final class DrainState: Sendable {
    let draining = Atomic<Bool>(false)
    let listenerClosed = Atomic<Bool>(false)
    let stoppedAccepting = Atomic<Bool>(false)
    /// Signalled (at least once) whenever a draining loop sees no connection left in the hub.
    let progress = DispatchSemaphore(value: 0)
}

/// Graceful shutdown in steps, for a process that got SIGTERM: withdraw readiness, stop accepting and end the
/// streams, wait for what is in flight, then `shutdown()`. The `hub` executable runs them with its drain
/// settings (`--drain-grace-seconds`, `--drain-seconds`); an app embedding a hub may run them itself.
extension Hub {
    /// Whether a drain has begun: `GET /health/ready` answers 503 from then on.
    public var isDraining: Bool {
        drainState.draining.load(ordering: .relaxed)
    }

    /// Step one: readiness (`GET /health/ready`) answers 503, so a load balancer stops sending new clients;
    /// everything else carries on as before (streams, publishes, accepting). Idempotent.
    public func beginDrain() {
        drainState.draining.store(true, ordering: .relaxed)
    }

    /// Step two: every loop stops accepting, ends each stream with a final `retry:` drawn from
    /// `configuration.drainRetryMilliseconds` after what it already queued, closes idle keep-alive connections,
    /// and answers every request still under way (relayed publishes and worker answers included) with
    /// `Connection: close`. Returns once no loop accepts; the listener is then closed, so new connections are
    /// refused at once instead of waiting in the backlog. Call from any thread but a loop's. Idempotent.
    public func stopAccepting() {
        beginDrain()
        guard !drainState.stoppedAccepting.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let acknowledged = DispatchSemaphore(value: 0)
        for loop in loops {
            loop.send(
                .task { context in
                    context.loop.startDraining()
                    acknowledged.signal()
                })
        }
        var closable = true
        for _ in loops where acknowledged.wait(timeout: .now() + .seconds(5)) == .timedOut { closable = false }
        // A loop that did not answer may still watch the listener: then it is closed at shutdown, after the join.
        if closable { closeListener() }
    }

    /// Connections still open (streams ending, requests being answered, lingering closes).
    public var openConnections: Int {
        stats.read(.openConnections)
    }

    /// Step three: waits until no connection is left or `timeout` passes; true when none is left. Wakes when
    /// the last one closes, not on a poll.
    public func waitUntilDrained(timeout: Duration) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + timeout.nanoseconds
        while openConnections > 0 {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return false }
            _ = drainState.progress.wait(timeout: .now() + .nanoseconds(Int(min(deadline - now, 1 << 62))))
        }
        return true
    }

    /// A draining loop closed a connection: wake `waitUntilDrained` if it was the hub's last.
    func noteDrainProgress() {
        if openConnections == 0 { drainState.progress.signal() }
    }
}
