/// Users in SQL and nothing else: no rules here (those are `AccountService`'s). Same thread as its database.
public struct UserStore {
    let database: SQLiteDatabase

    public init(_ database: SQLiteDatabase) { self.database = database }

    /// Inserts a user; nil when the email is taken (the UNIQUE constraint decides, so two sign-ups racing for
    /// one email cannot both win).
    public func insert(email: String, name: String, passwordHash: String, now: Int64) throws -> User? {
        do {
            try database.execute(
                "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
                [.text(email), .text(name), .text(passwordHash), .integer(now)])
        } catch  where error.isConstraint {
            return nil
        }
        return User(id: database.lastInsertRowID, email: email, name: name)
    }

    /// The user with `email` (case-insensitive) and their password hash.
    public func find(email: String) throws -> (user: User, passwordHash: String)? {
        let rows = try database.query(
            "SELECT id, email, name, password_hash FROM users WHERE email = ?", [.text(email)])
        guard let row = rows.first, let id = row[0].integer, let email = row[1].text, let name = row[2].text,
            let hash = row[3].text
        else { return nil }
        return (User(id: id, email: email, name: name), hash)
    }

    public func updatePasswordHash(userID: Int64, _ hash: String) throws {
        try database.execute("UPDATE users SET password_hash = ? WHERE id = ?", [.text(hash), .integer(userID)])
    }
}
