import Broadcast
import Glibc

/// The `hub` executable's answer to SIGTERM or SIGINT: a drain in the hub's steps, timed by its settings.
///
/// At the first signal readiness goes 503; after `drainGrace` accepting stops and every stream ends with a random
/// `retry:`; requests under way are answered until no connection is left or `drainWindow` (counted from the
/// signal) runs out; then the hub shuts down, closing whatever is left. A second SIGTERM or SIGINT during the
/// drain cuts it short: the hub shuts down at once (what the sockets take now is still sent), and the process
/// still exits 0, as an operator who asked twice expects. Runs on the main thread, with the stop signals blocked
/// in every thread.
struct SignalDrain {
    let hub: Hub
    var signals: sigset_t

    /// How a drain ended, for its log line.
    enum Outcome: String {
        case drained = "done", timedOut = "timed out", interrupted = "cut short"
    }

    /// Drains after the first `signal`; returns once the hub has shut down.
    mutating func run(after signal: Int32) {
        let configuration = hub.configuration
        let started = MonotonicClock.now()
        let deadline = started + configuration.drainWindow.nanoseconds
        let range = configuration.drainRetryMilliseconds
        Log.info(
            "hub", "signal \(signal): draining",
            [
                ("signal", .number(Double(signal))), ("connections", .number(Double(hub.openConnections))),
                ("grace_seconds", .number(Self.seconds(configuration.drainGrace.nanoseconds))),
                ("drain_seconds", .number(Self.seconds(configuration.drainWindow.nanoseconds))),
                ("retry_min_ms", .number(Double(range.lowerBound))),
                ("retry_max_ms", .number(Double(range.upperBound))),
            ])
        hub.beginDrain()
        var outcome = Outcome.drained
        var cutBy: Int32?
        let graceEnds = min(deadline, started + configuration.drainGrace.nanoseconds)
        if let second = waitForSignal(until: graceEnds) {
            (outcome, cutBy) = (.interrupted, second)
        } else {
            hub.stopAccepting()
            // Logged once it is true: the listener is closed and every stream has its final retry queued.
            Log.info(
                "hub", "accepting stopped; streams ending", [("connections", .number(Double(hub.openConnections)))])
            // The hub wakes us when its last connection closes; a second signal is noticed within a slice.
            while !hub.waitUntilDrained(timeout: .milliseconds(50)) {
                if let second = waitForSignal(until: MonotonicClock.now()) {
                    (outcome, cutBy) = (.interrupted, second)
                    break
                }
                if MonotonicClock.now() >= deadline {
                    outcome = .timedOut
                    break
                }
            }
        }
        let left = hub.openConnections
        hub.shutdown()
        var fields: [(String, JSONValue)] = [
            ("outcome", .string(outcome.rawValue)), ("connections_left", .number(Double(left))),
            ("seconds", .number(Self.seconds(MonotonicClock.now() - started))),
        ]
        if let cutBy { fields.append(("signal", .number(Double(cutBy)))) }
        Log.info("hub", "drain \(outcome.rawValue)", fields)
    }

    /// A stop signal received before `deadline` (monotonic nanoseconds), or nil; polls once when it has passed.
    private mutating func waitForSignal(until deadline: UInt64) -> Int32? {
        while true {
            let now = MonotonicClock.now()
            let left = deadline > now ? deadline - now : 0
            var timeout = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
            let received = sigtimedwait(&signals, nil, &timeout)
            if received > 0 { return received }
            if errno == EINTR { continue }
            return nil  // EAGAIN: the time is up
        }
    }

    private static func seconds(_ nanoseconds: UInt64) -> Double {
        (Double(nanoseconds) / 1e6).rounded() / 1000
    }
}
