/// A board as its pages show it.
public struct Board: Sendable, Equatable {
    public enum Visibility: String, Sendable, CaseIterable {
        /// Only members see it: everyone else gets 404 for the page and 403 for its stream.
        case `private`
        /// Anyone may read it; only members edit.
        case `public`
    }

    public let id: Int64
    public let name: String
    public let ownerID: Int64
    public let visibility: Visibility
    /// The board channel's newest event id when this was read: a page rendered from it subscribes from here.
    public let lastEventID: String

    /// The hub channel its changes are broadcast on.
    public var channel: String { Self.channel(id) }

    public static func channel(_ id: Int64) -> String { "board:\(id)" }
}

/// The three columns every board has, in their order on the page.
public enum BoardColumn: String, Sendable, CaseIterable {
    case todo, doing, done

    public var title: String {
        switch self {
        case .todo: "To do"
        case .doing: "Doing"
        case .done: "Done"
        }
    }
}

/// One card. `version` rises with every change, so a save over someone else's change is caught (409).
public struct Card: Sendable, Equatable {
    public let id: Int64
    public let boardID: Int64
    public let column: BoardColumn
    public let title: String
    public let body: String
    public let position: Int64
    public let version: Int64
}

/// A member of a board, for its members list.
public struct BoardMember: Sendable, Equatable {
    public let userID: Int64
    public let name: String
    public let email: String
    public let isOwner: Bool
}

/// What a user may do with a board.
public enum BoardAccess: Sendable, Equatable, Comparable {
    /// Nothing: the board does not exist for them (a private board of others).
    case none
    case read
    case edit
    /// Edit, rename, add and remove members.
    case own
}
