/// Why a board request cannot be done: the routes turn these into 404 and 403.
public enum BoardError: Error, Equatable {
    /// No such board or card, or a private board the user may not see (it does not exist for them).
    case notFound
    /// The user sees the board but may not do this.
    case forbidden(String)
}

/// A change made to a board, committed: what its live update says.
public enum BoardChange: Sendable {
    case cardCreated(Card)
    case cardEdited(Card)
    case cardMoved(Card, from: BoardColumn)
    case cardDeleted(Card)
    case renamed(Board)
    case membersChanged(Board, [BoardMember])
    /// A member was removed: their open pages must stop following the board.
    case memberRemoved(Board, userID: Int64, members: [BoardMember])
}

/// How saving a card's edit went.
public enum CardEditOutcome: Sendable {
    case saved(Card)
    /// Someone changed the card since the form was loaded: nothing was saved; here is the card as it is now.
    case conflict(current: Card)
    case invalid(FieldErrors)
}

/// The rules of boards: who may see and change what, validation, versions. Runs on a worker thread (SQLite);
/// one per thread with its own connection. Every write is one transaction; the caller broadcasts the change
/// it returns only after that commit.
public final class BoardService {
    let store: BoardStore
    let users: UserStore
    let database: SQLiteDatabase
    let now: () -> Int64

    public init(database: SQLiteDatabase, now: @escaping () -> Int64) {
        self.database = database
        store = BoardStore(database)
        users = UserStore(database)
        self.now = now
    }

    /// What `userID` (nil: a visitor) may do with `board`.
    public func access(to board: Board, userID: Int64?) throws -> BoardAccess {
        if let userID {
            if board.ownerID == userID { return .own }
            if try store.isMember(userID, of: board.id) { return .edit }
        }
        return board.visibility == .public ? .read : .none
    }

    /// The board and what the user may do, or `notFound` when it does not exist for them.
    public func open(_ boardID: Int64, userID: Int64?) throws -> (Board, BoardAccess) {
        guard let board = try store.board(boardID) else { throw BoardError.notFound }
        let access = try access(to: board, userID: userID)
        guard access != .none else { throw BoardError.notFound }
        return (board, access)
    }

    private func requireEdit(_ boardID: Int64, userID: Int64) throws -> Board {
        let (board, access) = try open(boardID, userID: userID)
        guard access >= .edit else { throw BoardError.forbidden("only members of this board can change it") }
        return board
    }

    private func requireOwner(_ boardID: Int64, userID: Int64) throws -> Board {
        let (board, access) = try open(boardID, userID: userID)
        guard access == .own else { throw BoardError.forbidden("only the owner of this board can do that") }
        return board
    }

    /// The boards the user is a member of, and public boards of others.
    public func boards(for userID: Int64) throws -> (mine: [Board], others: [Board]) {
        let mine = try store.boards(ofMember: userID)
        let ids = Set(mine.map(\.id))
        return (mine, try store.publicBoards(limit: 50).filter { !ids.contains($0.id) })
    }

    public func publicBoards() throws -> [Board] { try store.publicBoards(limit: 50) }

    public func createBoard(ownerID: Int64, name rawName: String, visibility: String) throws -> Result<
        Board, FieldErrors
    > {
        let name = AccountValidation.trimmed(rawName)
        var errors = FieldErrors()
        errors.messages["name"] = BoardValidation.boardNameProblem(name)
        let parsed = Board.Visibility(rawValue: visibility)
        if parsed == nil { errors.messages["visibility"] = "Choose private or public." }
        guard errors.isEmpty, let parsed else { return .failure(errors) }
        return .success(
            try database.transaction {
                try store.insertBoard(name: name, ownerID: ownerID, visibility: parsed, now: now())
            })
    }

    public func cards(of board: Board) throws -> [Card] { try store.cards(of: board.id) }

    public func members(of board: Board) throws -> [BoardMember] { try store.members(of: board) }

    public func card(_ cardID: Int64, on boardID: Int64, userID: Int64?) throws -> Card {
        _ = try open(boardID, userID: userID)
        guard let card = try store.card(cardID, on: boardID) else { throw BoardError.notFound }
        return card
    }

    public func createCard(boardID: Int64, userID: Int64, column: String, title rawTitle: String, body: String) throws
        -> Result<BoardChange, FieldErrors>
    {
        _ = try requireEdit(boardID, userID: userID)
        let title = AccountValidation.trimmed(rawTitle)
        var errors = FieldErrors()
        errors.messages["title"] = BoardValidation.titleProblem(title)
        errors.messages["body"] = BoardValidation.bodyProblem(body)
        let parsed = BoardColumn(rawValue: column)
        if parsed == nil { errors.messages["column"] = "Choose a column." }
        guard errors.isEmpty, let parsed else { return .failure(errors) }
        let card = try database.transaction {
            try store.insertCard(boardID: boardID, column: parsed, title: title, body: body, now: now())
        }
        return .success(.cardCreated(card))
    }

    /// Saves an edit made to the card as it was at `version`; a newer card is a conflict, never overwritten.
    public func editCard(
        boardID: Int64, cardID: Int64, userID: Int64, title rawTitle: String, body: String, version: Int64
    )
        throws -> CardEditOutcome
    {
        _ = try requireEdit(boardID, userID: userID)
        let title = AccountValidation.trimmed(rawTitle)
        var errors = FieldErrors()
        errors.messages["title"] = BoardValidation.titleProblem(title)
        errors.messages["body"] = BoardValidation.bodyProblem(body)
        guard errors.isEmpty else { return .invalid(errors) }
        return try database.transaction {
            guard let card = try store.card(cardID, on: boardID) else { throw BoardError.notFound }
            guard let saved = try store.updateCard(card, title: title, body: body, expecting: version, now: now())
            else {
                return .conflict(current: card)
            }
            return .saved(saved)
        }
    }

    public func moveCard(boardID: Int64, cardID: Int64, userID: Int64, to column: String) throws -> BoardChange {
        _ = try requireEdit(boardID, userID: userID)
        guard let target = BoardColumn(rawValue: column) else { throw BoardError.forbidden("no such column") }
        return try database.transaction {
            guard let card = try store.card(cardID, on: boardID),
                let moved = try store.moveCard(card, to: target, now: now())
            else { throw BoardError.notFound }
            return .cardMoved(moved, from: card.column)
        }
    }

    public func deleteCard(boardID: Int64, cardID: Int64, userID: Int64) throws -> BoardChange {
        _ = try requireEdit(boardID, userID: userID)
        return try database.transaction {
            guard let card = try store.card(cardID, on: boardID), try store.deleteCard(card) else {
                throw BoardError.notFound
            }
            return .cardDeleted(card)
        }
    }

    public func rename(boardID: Int64, userID: Int64, to rawName: String) throws -> Result<BoardChange, FieldErrors> {
        let board = try requireOwner(boardID, userID: userID)
        let name = AccountValidation.trimmed(rawName)
        if let problem = BoardValidation.boardNameProblem(name) { return .failure(FieldErrors(["name": problem])) }
        try database.transaction { try store.rename(boardID, to: name) }
        return .success(
            .renamed(
                Board(id: board.id, name: name, ownerID: board.ownerID, visibility: board.visibility, lastEventID: "")))
    }

    /// Adds the user with `email` as a member.
    public func addMember(boardID: Int64, ownerID: Int64, email rawEmail: String) throws -> Result<
        BoardChange, FieldErrors
    > {
        let board = try requireOwner(boardID, userID: ownerID)
        let email = AccountValidation.trimmed(rawEmail)
        return try database.transaction {
            guard let (user, _) = try users.find(email: email) else {
                return .failure(FieldErrors(["email": "Nobody has signed up with that email."]))
            }
            guard try store.addMember(user.id, to: boardID, now: now()) else {
                return .failure(FieldErrors(["email": "\(user.name) is already a member."]))
            }
            return .success(.membersChanged(board, try store.members(of: board)))
        }
    }

    public func removeMember(boardID: Int64, ownerID: Int64, memberID: Int64) throws -> BoardChange {
        let board = try requireOwner(boardID, userID: ownerID)
        guard memberID != board.ownerID else { throw BoardError.forbidden("the owner cannot leave their own board") }
        return try database.transaction {
            guard try store.removeMember(memberID, from: boardID) else { throw BoardError.notFound }
            return .memberRemoved(board, userID: memberID, members: try store.members(of: board))
        }
    }

    /// Records the id the change went out with (see `Board.lastEventID`).
    public func recordBroadcast(boardID: Int64, eventID: String) throws {
        try store.setLastEventID(boardID, eventID)
    }
}
