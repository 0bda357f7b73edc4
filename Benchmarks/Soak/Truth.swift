/// An event id as two numbers (`epoch-sequence`), ordered like the hub orders them.
struct SoakID: Comparable, Hashable, Sendable {
    let epoch: UInt64
    let sequence: UInt64

    init(epoch: UInt64, sequence: UInt64) {
        self.epoch = epoch
        self.sequence = sequence
    }

    init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let epoch = UInt64(parts[0]), let sequence = UInt64(parts[1]) else { return nil }
        self.init(epoch: epoch, sequence: sequence)
    }

    static func < (lhs: SoakID, rhs: SoakID) -> Bool { (lhs.epoch, lhs.sequence) < (rhs.epoch, rhs.sequence) }
}

/// One publish as its publisher saw it: the ground truth the subscribers are checked against. `id` is nil
/// when the publish got no answer (its event may still exist; it is then never counted as due).
struct Published: Sendable {
    let token: Int
    let channel: Int
    let id: SoakID?
    /// The hub the publish went into (0: the `hub` executable over HTTP, 1: the soak-hub, over HTTP or
    /// in-process).
    let hub: Int
    let sent: UInt64
    let answered: UInt64

    var line: String {
        "\(token) \(channel) \(id?.epoch ?? 0) \(id?.sequence ?? 0) \(hub) \(sent) \(answered)"
    }

    init(token: Int, channel: Int, id: SoakID?, hub: Int, sent: UInt64, answered: UInt64) {
        self.token = token
        self.channel = channel
        self.id = id
        self.hub = hub
        self.sent = sent
        self.answered = answered
    }

    init?(line: Substring) {
        let fields = line.split(separator: " ").compactMap { UInt64($0) }
        guard fields.count == 7 else { return nil }
        token = Int(fields[0])
        channel = Int(fields[1])
        id = fields[2] == 0 ? nil : SoakID(epoch: fields[2], sequence: fields[3])
        hub = Int(fields[4])
        sent = fields[5]
        answered = fields[6]
    }
}

/// Everything the checker knows about the run besides the receipts: what was published, when Redis was out,
/// which ids are the group's and which a hub's own (`ids`, read off the answers), and the ring and stream
/// size. Written by the driver as a text file, read by every subscriber worker.
struct Truth: Sendable {
    var published: [Published] = [] {
        didSet { ids = IDModel(published: published, redisEpochs: redisEpochs, localSeeds: localSeeds) }
    }
    /// The epochs Redis's `epochs` set held at some point of the run (`EpochWatcher`): the group's for certain.
    var redisEpochs: Set<UInt64> = [] {
        didSet { ids = IDModel(published: published, redisEpochs: redisEpochs, localSeeds: localSeeds) }
    }
    /// Local epochs known from outside the checked publishes (hub 0's warm-up before Redis ran), by hub.
    var localSeeds: [UInt64: Int] = [:] {
        didSet { ids = IDModel(published: published, redisEpochs: redisEpochs, localSeeds: localSeeds) }
    }
    var faults: [FaultRecord] = []
    private(set) var ids = IDModel()
    var replay = 0
    /// Publishing ran from `publishStart` to `publishStop` (ms); events are checked inside it.
    var publishStart: UInt64 = 0
    var publishStop: UInt64 = 0

    var text: String {
        var lines = ["replay \(replay)", "window \(publishStart) \(publishStop)"]
        if !redisEpochs.isEmpty {
            lines.append("epochs " + redisEpochs.sorted().map(String.init).joined(separator: " "))
        }
        for (epoch, hub) in localSeeds.sorted(by: { $0.key < $1.key }) { lines.append("local \(epoch) \(hub)") }
        for fault in faults { lines.append("fault \(fault.kind.rawValue) \(fault.start) \(fault.end) \(fault.amount)") }
        for event in published { lines.append("event " + event.line) }
        return lines.joined(separator: "\n") + "\n"
    }

    init() {}

    init(text: String) {
        var events: [Published] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let numbers = fields.dropFirst().map { UInt64($0) ?? 0 }
            switch fields.first {
            case "replay": replay = Int(numbers.first ?? 0)
            case "window": (publishStart, publishStop) = (numbers[0], numbers[1])
            case "epochs": redisEpochs = Set(numbers)
            case "local": if numbers.count == 2 { localSeeds[numbers[0]] = Int(numbers[1]) }
            case "fault":
                guard fields.count == 5, let kind = FaultRecord.Kind(rawValue: String(fields[1])) else { continue }
                faults.append(
                    FaultRecord(
                        kind: kind, start: UInt64(fields[2]) ?? 0, end: UInt64(fields[3]) ?? 0,
                        amount: Int(fields[4]) ?? 0))
            case "event": if let event = Published(line: line.dropFirst(6)) { events.append(event) }
            default: continue
            }
        }
        // Property observers do not run in an initializer of the type itself.
        published = events
        ids = IDModel(published: events, redisEpochs: redisEpochs, localSeeds: localSeeds)
    }

    /// Whether `time` falls in an outage window (Redis killed or frozen, until both hubs were ready again).
    func inOutage(_ time: UInt64) -> Bool {
        faults.contains { $0.kind != .garbage && $0.start <= time && time <= $0.end }
    }

    /// Whether an outage overlaps [from, to].
    func outageOverlaps(_ from: UInt64, _ to: UInt64) -> Bool {
        faults.contains { $0.kind != .garbage && $0.start <= to && from <= $0.end }
    }
}
