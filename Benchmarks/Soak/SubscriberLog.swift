/// Everything one soak subscriber saw, across all its connections: what the checker judges. Owned by the
/// worker thread that runs the subscriber.
struct SubscriberLog {
    struct Receipt {
        let token: Int
        let id: SoakID?
        let time: UInt64
        let session: Int32
    }

    /// One connection: to which hub, resuming from which id, when its response head came (0: never) and when
    /// it ended (`.max`: still open).
    struct Session {
        let hub: Int
        let lastEventID: String?
        let start: UInt64
        /// When the subscriber last received anything (event or reset) before this connection: the start of
        /// the gap this connection's resume must cover.
        let gapStart: UInt64
        var head: UInt64 = 0
        var end: UInt64 = .max
    }

    struct Reset {
        let id: SoakID?
        let kind: ResetKind
        let session: Int
        let time: UInt64
        /// How many receipts came before it: the events it answers for lie after the newest of those.
        let receiptsBefore: Int
    }

    let channel: Int
    var receipts: [Receipt] = []
    var sessions: [Session] = []
    var resets: [Reset] = []
    /// Events whose data is not a soak token (a malformed message that got through would land here).
    var foreign = 0

    init(channel: Int) {
        self.channel = channel
    }

    func describeSessions(around time: UInt64) -> String {
        sessions.enumerated().filter { $0.element.start <= time + 5000 && $0.element.end >= time &- min(time, 5000) }
            .map {
                let end = $0.element.end == .max ? "open" : "\($0.element.end)"
                return
                    "[s\($0.offset) hub\($0.element.hub) from=\($0.element.lastEventID ?? "-") head=\($0.element.head) end=\(end)]"
            }.joined(separator: " ")
    }

    /// The whole log, for `SOAK_DUMP=index,...` (reproducing a finding by hand).
    var dump: String {
        let sessionText = sessions.enumerated().map {
            "s\($0.offset):hub\($0.element.hub),from=\($0.element.lastEventID ?? "-"),gap=\($0.element.gapStart),start=\($0.element.start),head=\($0.element.head),end=\($0.element.end)"
        }
        let receiptText = receipts.map {
            "\($0.token)@\($0.id.map { "\($0.epoch)-\($0.sequence)" } ?? "-")/s\($0.session)/\($0.time)"
        }
        let resetText = resets.map {
            "reset@\($0.id.map { "\($0.epoch)-\($0.sequence)" } ?? "-")/\($0.kind)/s\($0.session)/\($0.time)"
        }
        return "channel=c\(channel) " + (sessionText + resetText + receiptText).joined(separator: " ")
    }
}
