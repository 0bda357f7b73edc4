import Broadcast
import SSEHub
import Synchronization

/// A committed board change, rendered once and broadcast on the board's channel as htmx out-of-band swaps
/// (one unnamed SSE event; each fragment names the element it replaces, appends to or deletes), then its id
/// stored with the board. Unnamed, because htmx 4 swaps only unnamed messages (named ones become DOM events)
/// and htmx 2 swaps them as `message`: one broadcast serves pages of either. Runs on a worker after the change's transaction has committed.
///
/// Changes of one board go out in commit order: each is committed and broadcast under that board's lock, so
/// two workers saving at once cannot publish in the other order (a later version overwritten by an earlier).
/// Pages read the board under the same lock, so the id a page subscribes from is the one its data stands at
/// (a page read between a commit and its broadcast would show the change and then receive it again). Across
/// hubs sharing one file the lock does not reach: there, a page rendered in that instant may show a new card
/// twice until reloaded.
struct BoardLive {
    /// No `event:` field: the SSE type `message` (WHATWG HTML §9.2.6).
    static let event: String? = nil
    let hub: Hub
    let locks: BoardLocks

    /// The event a member's open pages close their stream on when they are removed (`sse-close`).
    static func removalEvent(for userID: Int64) -> String { "removed-\(userID)" }

    /// Runs `change` (one transaction) and broadcasts what it returns, under the board's lock.
    func commit<R>(boardID: Int64, service: BoardService, _ change: () throws -> R, changes: (R) -> [BoardChange])
        throws -> R
    {
        try locks.withLock(boardID) {
            let result = try change()
            for item in changes(result) { try publish(item, boardID: boardID, service: service) }
            return result
        }
    }

    private func publish(_ change: BoardChange, boardID: Int64, service: BoardService) throws {
        let broadcaster = Broadcaster(attachingTo: hub)
        let channel = Board.channel(boardID)
        let (template, context): (String, TemplateValue)
        switch change {
        case .cardCreated(let card):
            (template, context) = ("boards/live/card-created", BoardContexts.card(card))
        case .cardMoved(let card, _):
            // Out of its column, into the other's end.
            (template, context) = ("boards/live/card-placed", BoardContexts.card(card))
        case .cardEdited(let card):
            (template, context) = ("boards/live/card-edited", BoardContexts.card(card, oob: true))
        case .cardDeleted(let card):
            (template, context) = ("boards/live/card-deleted", BoardContexts.card(card))
        case .renamed(let board):
            (template, context) = ("boards/live/renamed", .object(["name": .string(board.name)]))
        case .membersChanged(let board, let members):
            (template, context) = ("boards/live/members", BoardContexts.members(of: board, members, oob: true))
        case .memberRemoved(let board, let userID, let members):
            // In-band and in order: their pages close the stream before any later change reaches them.
            let id = try broadcaster.broadcast(
                channel: channel, event: Self.removalEvent(for: userID), data: String(userID))
            try service.recordBroadcast(boardID: boardID, eventID: id.description)
            return try publish(.membersChanged(board, members), boardID: boardID, service: service)
        }
        let id = try broadcaster.broadcast(channel: channel, event: Self.event, template: template, context: context)
        try service.recordBroadcast(boardID: boardID, eventID: id.description)
    }
}

/// Locks striped by board id, shared by the site's workers.
final class BoardLocks: Sendable {
    private final class Stripe: Sendable {
        let mutex = Mutex<Void>(())
    }

    private let stripes = (0..<64).map { _ in Stripe() }

    func withLock<R>(_ boardID: Int64, _ body: () throws -> R) throws -> R {
        try stripes[Int(UInt64(bitPattern: boardID) % 64)].mutex.withLock { _ in try body() }
    }
}
