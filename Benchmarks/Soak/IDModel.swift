/// Which ids Redis assigned (the group's epochs) and which a hub gave alone while cut off (local epochs), and
/// whose those are. Built once from the publishers' answers and Redis's own `epochs` set; read-only after, so
/// any thread may use it.
///
/// The hub's scheme (Sources/SSEHub/SSE/ChannelTable.swift, `nextLocalID`): a hub cut off from Redis gives ids
/// of the epoch `position.epoch + 1 + spread`, its spread fixed per hub and below `localEpochSpreadLimit`;
/// every reconnection raises the group's epoch to a wall-clock millisecond at least `localEpochSpreadLimit + 1`
/// above the raising hub's position. The hub does not say which an id is. An epoch Redis's set held is the
/// group's; an epoch at most the limit above a group epoch is local; one below every group epoch is a hub's
/// boot epoch, local too. Only an epoch far above the group epoch before it and missing from the set (a raise
/// the watcher missed: Redis killed within a read of it) is taken for the group's by its spacing alone.
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

    init(published: [Published], redisEpochs: Set<UInt64> = [], localSeeds: [UInt64: Int] = [:]) {
        var hubsByEpoch: [UInt64: Set<Int>] = [:]
        for event in published {
            guard let id = event.id else { continue }
            hubsByEpoch[id.epoch, default: []].insert(event.hub)
        }
        for (epoch, hub) in localSeeds { hubsByEpoch[epoch, default: []].insert(hub) }
        var base: UInt64?
        let lowestKnown = redisEpochs.min()
        for epoch in Set(hubsByEpoch.keys).union(redisEpochs).sorted() {
            let spaced = base.map { epoch - $0 > Self.localEpochSpreadLimit } ?? (lowestKnown == nil)
            if redisEpochs.contains(epoch) || (spaced && localSeeds[epoch] == nil) {
                groupEpochs.append(epoch)
                base = epoch
            } else {
                let hubs = hubsByEpoch[epoch] ?? []
                localOwners[epoch] = hubs.count == 1 ? hubs.first! : Self.bothHubs
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
