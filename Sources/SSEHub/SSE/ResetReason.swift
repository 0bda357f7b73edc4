/// Why a stream got a `reset` instead of an exact resume: the message goes into the event's data for the page,
/// the label into `GET /metrics` for the operator (`ssehub_resets_total{reason}`).
package enum ResetReason: Int, CaseIterable, Sendable {
    /// The `Last-Event-ID` does not parse as one of our ids.
    case notAnID
    /// An id above anything this hub issued or relayed.
    case unknownID
    /// An id from before this run started.
    case earlierRun
    /// The events after the id left the replay ring (or predate the channel here).
    case olderThanReplay
    /// An id another hub of the group gave while cut off from the broker.
    case otherHubOutage
    /// The relay's stored history does not reach back to the id.
    case olderThanHistory
    /// Live events were lost in a broker outage (`Hub.reportGap`), not at a resume.
    case brokerGap

    /// The sentence in the `reset` event's `reason`.
    package var message: String {
        switch self {
        case .notAnID: "Last-Event-ID is not an id this hub issues"
        case .unknownID: "Last-Event-ID is unknown to this hub"
        case .earlierRun: "Last-Event-ID is from an earlier run of the hub"
        case .olderThanReplay: "Last-Event-ID is older than the replay buffer"
        case .otherHubOutage: "Last-Event-ID is from another hub's outage"
        case .olderThanHistory: "Last-Event-ID is older than the stored history"
        case .brokerGap: "events were lost while the broker was unreachable"
        }
    }

    /// The Prometheus label value.
    package var label: String {
        switch self {
        case .notAnID: "not_an_id"
        case .unknownID: "unknown_id"
        case .earlierRun: "earlier_run"
        case .olderThanReplay: "older_than_replay"
        case .otherHubOutage: "other_hub_outage"
        case .olderThanHistory: "older_than_history"
        case .brokerGap: "broker_gap"
        }
    }
}
