import Broadcast
import Glibc

/// Starts an in-process hub on a free port for one test and stops it afterwards.
/// `routes` adds routes besides the hub's own, as an application would.
func withHub<R>(
    _ configure: (inout HubConfiguration) -> Void = { _ in }, routes: (inout RouterBuilder) -> Void = { _ in },
    _ body: (Hub) throws -> R
) throws -> R {
    var configuration = HubConfiguration()
    configuration.port = 0
    configuration.loops = 2
    configure(&configuration)
    let hub = try Hub.start(configuration, routes: routes)
    defer { hub.shutdown() }
    return try body(hub)
}

/// Reads a hub health counter.
func healthNumber(_ hub: Hub, _ key: String) -> Int {
    if case .number(let value)? = hub.health()[key] { return Int(value) }
    return -1
}

/// Waits (bounded) until `condition` holds, polling the hub's own state; for conditions no socket can signal,
/// such as a subscription being registered on another thread.
func eventually(_ what: String, timeout: Double = 10, _ condition: () -> Bool) throws {
    let deadline = TestClock.now() + timeout
    while !condition() {
        guard TestClock.now() < deadline else { throw TestTimeout(what: what) }
        napBriefly()
    }
}

func napBriefly() {
    var request = timespec(tv_sec: 0, tv_nsec: 1_000_000)
    nanosleep(&request, nil)
}

/// Ends `stream` after ten seconds, so a test waiting on an event that never comes fails instead of hanging.
func endAfterTenSeconds(_ stream: EventStream) -> Task<Void, Never> {
    Task {
        try? await Task.sleep(for: .seconds(10))
        stream.cancel()
    }
}
