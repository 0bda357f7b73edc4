/// The public board a newcomer lands on from the home page (`GET /demo`): made once, on first start, by a
/// site user nobody can log in as, with cards that say what to try. Read-only for visitors like every public
/// board; its presence count and live updates work for them all the same.
public enum WelcomeBoard {
    static let ownerEmail = "welcome@ssehub.invalid"
    static let name = "Welcome to SSEHub"
    static let cards: [(BoardColumn, String, String)] = [
        (.todo, "Open this board in two windows", "Both show how many people are viewing, live."),
        (.todo, "Sign up and make a board of your own", "Private boards are invisible to everyone you do not add."),
        (
            .doing, "Add a friend as a member",
            "Every card they add, edit, move or delete appears in your window at once."
        ),
        (.done, "Edit the same card at once", "The second save is refused with a conflict, and your text is kept."),
    ]

    /// The welcome board's id, made (with its owner and cards) if it does not exist yet. The owner's password
    /// hash is no Argon2 hash at all, so no password logs in as them.
    public static func ensure(in database: SQLiteDatabase, now: Int64) throws -> Int64 {
        let users = UserStore(database)
        let boards = BoardStore(database)
        return try database.transaction {
            let owner =
                try users.find(email: ownerEmail)?.user
                ?? users.insert(email: ownerEmail, name: "SSEHub", passwordHash: "!", now: now)
            guard let owner else {
                throw SQLiteError(code: 0, message: "the email is taken", doing: "making the welcome board's owner")
            }
            if let existing = try boards.boards(ofMember: owner.id).first { return existing.id }
            let board = try boards.insertBoard(name: name, ownerID: owner.id, visibility: .public, now: now)
            for (column, title, body) in cards {
                _ = try boards.insertCard(boardID: board.id, column: column, title: title, body: body, now: now)
            }
            return board.id
        }
    }
}
