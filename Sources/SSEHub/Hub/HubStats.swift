import Synchronization

/// Counters the loops bump and `GET /health` reads. Relaxed atomics, touched from every loop thread.
final class HubStats: Sendable {
    enum Counter {
        case openConnections, acceptedConnections, openStreams, eventsPublished, slowSubscribersDropped
        case acceptPauses
        /// Streams sent a `reset` because live events were lost in a broker outage (`Hub.reportGap`).
        case gapResets
    }

    private let openConnections = Atomic<Int>(0)
    private let acceptedConnections = Atomic<Int>(0)
    private let openStreams = Atomic<Int>(0)
    private let eventsPublished = Atomic<Int>(0)
    private let slowSubscribersDropped = Atomic<Int>(0)
    private let acceptPauses = Atomic<Int>(0)
    private let gapResets = Atomic<Int>(0)

    func add(_ counter: Counter, _ delta: Int = 1) {
        _ = withCounter(counter) { $0.wrappingAdd(delta, ordering: .relaxed) }
    }

    func read(_ counter: Counter) -> Int {
        withCounter(counter) { $0.load(ordering: .relaxed) }
    }

    private func withCounter<R>(_ counter: Counter, _ body: (borrowing Atomic<Int>) -> R) -> R {
        switch counter {
        case .openConnections: body(openConnections)
        case .acceptedConnections: body(acceptedConnections)
        case .openStreams: body(openStreams)
        case .eventsPublished: body(eventsPublished)
        case .slowSubscribersDropped: body(slowSubscribersDropped)
        case .acceptPauses: body(acceptPauses)
        case .gapResets: body(gapResets)
        }
    }
}
