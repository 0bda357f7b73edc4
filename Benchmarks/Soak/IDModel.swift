/// Which ids Redis assigned (the group's epochs) and which a hub gave alone while cut off (local epochs), and
/// whose those are. Built once from the publishers' answers; read-only after, so any thread may use it.
///
/// The hub's scheme (Sources/SSEHub/SSE/ChannelTable.swift, `nextLocalID`): a hub cut off from Redis gives ids
/// of the epoch `position.epoch + 1 + spread`, its spread fixed per hub and below `localEpochSpreadLimit`;
/// every reconnection raises the group's epoch to a wall-clock millisecond at least `localEpochSpreadLimit + 1`
/// above the raising hub's position. So a local epoch lies at most the limit above the group epoch it followed,
/// and a group epoch more than the limit above the one before. The hub does not say which an id is, so this
/// reads it off the epochs' spacing.
struct IDModel: Sendable {
    /// `Hub.localEpochSpreadLimit`.
    static let localEpochSpreadLimit: UInt64 = 100

    /// The group's epochs, ascending.
    private(set) var groupEpochs: [UInt64] = []
    /// Each local epoch and the hub whose publishes were answered with it; `Self.bothHubs` when both hubs
    /// gave ids of one epoch (their spreads collided: then the ids name different events alike).
    private(set) var localOwners: [UInt64: Int] = [:]
    static let bothHubs = -1

    init() {}

    init(published: [Published]) {
        var hubsByEpoch: [UInt64: Set<Int>] = [:]
        for event in published {
            guard let id = event.id else { continue }
            hubsByEpoch[id.epoch, default: []].insert(event.hub)
        }
        var base: UInt64?
        for epoch in hubsByEpoch.keys.sorted() {
            if let base, epoch - base <= Self.localEpochSpreadLimit {
                let hubs = hubsByEpoch[epoch] ?? []
                localOwners[epoch] = hubs.count == 1 ? hubs.first! : Self.bothHubs
            } else {
                groupEpochs.append(epoch)
                base = epoch
            }
        }
    }

    /// Whether `id` is one a hub gave alone. An epoch no publish was answered with (an event whose publish got
    /// no answer, a reset's position) is judged by the same spacing.
    func isLocal(_ id: SoakID) -> Bool {
        if localOwners[id.epoch] != nil { return true }
        guard let below = groupEpochs.last(where: { $0 <= id.epoch }) else { return true }
        return below != id.epoch && id.epoch - below <= Self.localEpochSpreadLimit
    }

    /// The hub that gave `id` alone; nil for a group id or a local epoch of unknown or shared owner.
    func owner(of id: SoakID) -> Int? {
        guard let hub = localOwners[id.epoch], hub != Self.bothHubs else { return nil }
        return hub
    }

    /// Local epochs both hubs gave ids of: their spreads collided (a 1 in 100 chance per pair of outages).
    var sharedLocalEpochs: Int { localOwners.values.count { $0 == Self.bothHubs } }
}
