/// Why a hub sent a `reset`, read from the `reason` of its data (`{"reason", "channels", "lastEventId"}`):
/// the checker judges each kind against what it knows of the run. Resume kinds answer a connection's
/// `Last-Event-ID`; gap kinds come live, when a hub back from a Redis outage finds it missed events it cannot
/// supply.
enum ResetKind: String, CaseIterable, Sendable {
    /// The id's epoch is one this hub never issued or relayed (another hub's own, given while cut off).
    case otherHubsOutage
    /// The id is above this hub's position, or not an id at all.
    case unknownID
    /// The ring and the stream no longer reach back to the id.
    case tooOld
    /// Live: the stream could not prove it held everything the hub missed while cut off.
    case gapUnproven
    /// Live: events the group published while this hub was cut off lie below ids it gave its own streams.
    case behindPosition
    case other

    /// The kind of the reset whose data is `data` (the hub's reason strings, Sources/SSEHub and Broadcast).
    init(data: some StringProtocol) {
        let phrases: [(String, ResetKind)] = [
            ("from another hub's outage", .otherHubsOutage), ("unknown to this hub", .unknownID),
            ("not an id this hub issues", .unknownID), ("older than", .tooOld), ("earlier run", .tooOld),
            ("no longer holds them all", .gapUnproven), ("gave ids of its own", .behindPosition),
        ]
        self = phrases.first { data.contains($0.0) }?.1 ?? .other
    }

    /// A gap kind: sent on a live stream, not in answer to a resume.
    var isLive: Bool { self == .gapUnproven || self == .behindPosition }
}
