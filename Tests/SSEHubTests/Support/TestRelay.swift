import SSEHub

/// A broker stand-in for the hub's relay paths: it takes no publish (a test delivers what the broker would,
/// with `Hub.deliverRelayed`), is up or down as told, and hands each history request to `history`, which
/// answers it (at once or later) and returns true, or returns false when the broker cannot be asked.
final class TestRelay: PublishRelay {
    typealias HistoryAnswer = @Sendable ([RelayedEvent]?) -> Void

    let isReady: Bool
    private let answer: @Sendable (_ after: EventID, _ completion: @escaping HistoryAnswer) -> Bool

    init(
        ready: Bool = true,
        history: @escaping @Sendable (_ after: EventID, _ completion: @escaping HistoryAnswer) -> Bool
    ) {
        isReady = ready
        answer = history
    }

    /// A broker that is up and answers every history request with the stored events after its id.
    static func storing(_ stored: [RelayedEvent]) -> TestRelay {
        TestRelay { after, completion in
            completion(stored.filter { after < $0.id })
            return true
        }
    }

    /// A broker that is down, as during a Redis outage: every publish is delivered locally with the hub's own
    /// id, and no history can be fetched.
    static var down: TestRelay { TestRelay(ready: false) { _, _ in false } }

    func relay(
        channels: [String], event: String?, data: [UInt8], key: String?,
        completion: @escaping @Sendable (EventID?) -> Void
    ) -> Bool { false }
    func interestChanged(channel: String, interested: Bool) {}
    func history(channel: String, after id: EventID, limit: Int, completion: @escaping HistoryAnswer) -> Bool {
        answer(id, completion)
    }
    var health: [(String, JSONValue)] { [] }
}
