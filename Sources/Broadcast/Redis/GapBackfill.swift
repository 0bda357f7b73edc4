import SSEHub

/// What a hub missed while its subscribed connection was down, recovered from the channels' streams. Redis
/// publishes only to connections subscribed at that moment (pub/sub keeps nothing), so the events the group
/// published in the gap reach this hub only through the streams the publish script appends them to.
///
/// Ids are one sequence across the group and arrive in that order, so everything missed lies after the newest
/// id heard before the gap. Once Redis confirms the re-subscription (from then on nothing more is missed), each
/// channel's stream is read after that id; the live messages that arrive meanwhile are held, then both go out
/// merged in id order, each event once. A channel whose stream cannot prove it holds everything missed gets a
/// `reset` instead (`Hub.reportGap`). Lives on loop 0.
final class GapBackfill {
    /// The newest id heard before the gap.
    let after: EventID
    /// The channels subscribed again, each to be read from its stream.
    let channels: [String]
    /// The Redis channel whose `subscribe` confirmation comes last: after it, every channel is covered.
    let lastConfirmation: String
    private(set) var confirmed = false
    private(set) var started = false
    /// Live pushes received before the history was in, in arrival order.
    private(set) var held: [RedisReply] = []
    private var pending: Int
    /// Per id, the event and the channels whose streams hold it (an event of several channels is in each).
    private var found: [EventID: (event: String?, data: [UInt8], channels: [String])] = [:]
    private(set) var unproven: [String] = []
    /// Channels whose streams could be read, each with the newest id its own read found (or `after`): a live
    /// message of that channel up to it is a copy. Per channel, as the reads are separate commands and other
    /// hubs publish between them: one channel's newest says nothing of another's.
    private(set) var supplied: [String: EventID] = [:]

    init(after: EventID, channels: [String], lastConfirmation: String) {
        self.after = after
        self.channels = channels
        self.lastConfirmation = lastConfirmation
        pending = channels.count
    }

    func confirm() { confirmed = true }

    func start() { started = true }

    func hold(_ push: RedisReply) { held.append(push) }

    /// One channel's history; true once every channel's is in.
    /// One channel's history (`proven`: the stream showed it holds everything missed); true once every
    /// channel's is in. An unproven channel gets a `reset`, then what its stream does hold.
    func add(_ events: [RelayedEvent]?, proven: Bool, of channel: String) -> Bool {
        if !proven { unproven.append(channel) }
        if let events {
            supplied[channel] = max(after, events.last?.id ?? after)
            for event in events {
                found[event.id, default: (event.event, event.data, [])].channels.append(channel)
            }
        }
        pending -= 1
        return pending == 0
    }

    /// Every event found, oldest first, with the channels whose streams hold it.
    var merged: [(id: EventID, event: String?, data: [UInt8], channels: [String])] {
        found.sorted { $0.key < $1.key }.map { id, entry in (id, entry.event, entry.data, entry.channels) }
    }
}
