/// Boards, members and cards in SQL and nothing else: the rules are `BoardService`'s. Same thread as its
/// database; every statement is prepared with bound values.
public struct BoardStore {
    let database: SQLiteDatabase

    public init(_ database: SQLiteDatabase) { self.database = database }

    private static let boardColumns = "b.id, b.name, b.owner_id, b.visibility, b.last_event_id"

    private static func board(_ row: [SQLiteValue]) -> Board? {
        guard let id = row[0].integer, let name = row[1].text, let owner = row[2].integer,
            let visibility = row[3].text.flatMap(Board.Visibility.init(rawValue:)), let lastEventID = row[4].text
        else { return nil }
        return Board(id: id, name: name, ownerID: owner, visibility: visibility, lastEventID: lastEventID)
    }

    /// Creates a board owned by `ownerID`, the owner its first member.
    public func insertBoard(name: String, ownerID: Int64, visibility: Board.Visibility, now: Int64) throws -> Board {
        try database.execute(
            "INSERT INTO boards (name, owner_id, visibility, created_at) VALUES (?, ?, ?, ?)",
            [.text(name), .integer(ownerID), .text(visibility.rawValue), .integer(now)])
        let id = database.lastInsertRowID
        try database.execute(
            "INSERT INTO board_members (board_id, user_id, added_at) VALUES (?, ?, ?)",
            [.integer(id), .integer(ownerID), .integer(now)])
        return Board(id: id, name: name, ownerID: ownerID, visibility: visibility, lastEventID: "")
    }

    public func board(_ id: Int64) throws -> Board? {
        try database.query("SELECT \(Self.boardColumns) FROM boards b WHERE b.id = ?", [.integer(id)]).first
            .flatMap(Self.board)
    }

    /// The boards `userID` is a member of, newest first.
    public func boards(ofMember userID: Int64) throws -> [Board] {
        try database.query(
            """
            SELECT \(Self.boardColumns) FROM boards b JOIN board_members m ON m.board_id = b.id
            WHERE m.user_id = ? ORDER BY b.id DESC
            """, [.integer(userID)]
        ).compactMap(Self.board)
    }

    /// Public boards, newest first, at most `limit`.
    public func publicBoards(limit: Int) throws -> [Board] {
        try database.query(
            "SELECT \(Self.boardColumns) FROM boards b WHERE b.visibility = 'public' ORDER BY b.id DESC LIMIT ?",
            [.integer(Int64(limit))]
        ).compactMap(Self.board)
    }

    public func rename(_ boardID: Int64, to name: String) throws {
        try database.execute("UPDATE boards SET name = ? WHERE id = ?", [.text(name), .integer(boardID)])
    }

    /// Records the event id the board's newest change went out with.
    public func setLastEventID(_ boardID: Int64, _ id: String) throws {
        try database.execute("UPDATE boards SET last_event_id = ? WHERE id = ?", [.text(id), .integer(boardID)])
    }

    public func isMember(_ userID: Int64, of boardID: Int64) throws -> Bool {
        try !database.query(
            "SELECT 1 FROM board_members WHERE board_id = ? AND user_id = ?", [.integer(boardID), .integer(userID)]
        ).isEmpty
    }

    /// Adds a member; false when they already are one.
    public func addMember(_ userID: Int64, to boardID: Int64, now: Int64) throws -> Bool {
        try database.execute(
            "INSERT OR IGNORE INTO board_members (board_id, user_id, added_at) VALUES (?, ?, ?)",
            [.integer(boardID), .integer(userID), .integer(now)])
        return database.changes == 1
    }

    /// Removes a member; false when they were not one.
    public func removeMember(_ userID: Int64, from boardID: Int64) throws -> Bool {
        try database.execute(
            "DELETE FROM board_members WHERE board_id = ? AND user_id = ?", [.integer(boardID), .integer(userID)])
        return database.changes == 1
    }

    public func members(of board: Board) throws -> [BoardMember] {
        try database.query(
            """
            SELECT u.id, u.name, u.email FROM board_members m JOIN users u ON u.id = m.user_id
            WHERE m.board_id = ? ORDER BY m.added_at, u.id
            """, [.integer(board.id)]
        ).compactMap { row in
            guard let id = row[0].integer, let name = row[1].text, let email = row[2].text else { return nil }
            return BoardMember(userID: id, name: name, email: email, isOwner: id == board.ownerID)
        }
    }

    private static let cardColumns = "id, board_id, column_name, title, body, position, version"

    private static func card(_ row: [SQLiteValue]) -> Card? {
        guard let id = row[0].integer, let board = row[1].integer,
            let column = row[2].text.flatMap(BoardColumn.init(rawValue:)), let title = row[3].text,
            let body = row[4].text, let position = row[5].integer, let version = row[6].integer
        else { return nil }
        return Card(
            id: id, boardID: board, column: column, title: title, body: body, position: position, version: version)
    }

    /// The board's cards, by column and position.
    public func cards(of boardID: Int64) throws -> [Card] {
        try database.query(
            "SELECT \(Self.cardColumns) FROM cards WHERE board_id = ? ORDER BY column_name, position, id",
            [.integer(boardID)]
        ).compactMap(Self.card)
    }

    public func card(_ id: Int64, on boardID: Int64) throws -> Card? {
        try database.query(
            "SELECT \(Self.cardColumns) FROM cards WHERE id = ? AND board_id = ?", [.integer(id), .integer(boardID)]
        ).first.flatMap(Self.card)
    }

    /// The position after the last card of `column` (new and moved cards go to the bottom).
    private func nextPosition(in column: BoardColumn, of boardID: Int64) throws -> Int64 {
        try database.query(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM cards WHERE board_id = ? AND column_name = ?",
            [.integer(boardID), .text(column.rawValue)]
        ).first?[0].integer ?? 1
    }

    public func insertCard(boardID: Int64, column: BoardColumn, title: String, body: String, now: Int64) throws -> Card
    {
        let position = try nextPosition(in: column, of: boardID)
        try database.execute(
            """
            INSERT INTO cards (board_id, column_name, title, body, position, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """,
            [.integer(boardID), .text(column.rawValue), .text(title), .text(body), .integer(position), .integer(now)])
        return Card(
            id: database.lastInsertRowID, boardID: boardID, column: column, title: title, body: body,
            position: position, version: 1)
    }

    /// Saves a new title and body if the card is still at `version`; nil when it is not (or is gone).
    public func updateCard(_ card: Card, title: String, body: String, expecting version: Int64, now: Int64) throws
        -> Card?
    {
        try database.execute(
            "UPDATE cards SET title = ?, body = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            [.text(title), .text(body), .integer(now), .integer(card.id), .integer(version)])
        guard database.changes == 1 else { return nil }
        return try self.card(card.id, on: card.boardID)
    }

    /// Moves a card to the bottom of `column`; its version rises like any change.
    public func moveCard(_ card: Card, to column: BoardColumn, now: Int64) throws -> Card? {
        let position = try nextPosition(in: column, of: card.boardID)
        try database.execute(
            "UPDATE cards SET column_name = ?, position = ?, version = version + 1, updated_at = ? WHERE id = ?",
            [.text(column.rawValue), .integer(position), .integer(now), .integer(card.id)])
        return try self.card(card.id, on: card.boardID)
    }

    public func deleteCard(_ card: Card) throws -> Bool {
        try database.execute("DELETE FROM cards WHERE id = ?", [.integer(card.id)])
        return database.changes == 1
    }
}
