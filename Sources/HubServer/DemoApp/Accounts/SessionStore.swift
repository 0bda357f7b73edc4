/// Sessions in SQL, keyed by the SHA-256 of their token. Same thread as its database.
public struct SessionStore {
    let database: SQLiteDatabase

    public init(_ database: SQLiteDatabase) { self.database = database }

    public func insert(tokenHash: [UInt8], userID: Int64, csrfToken: String, expiresAt: Int64, now: Int64) throws {
        try database.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
            [.blob(tokenHash), .integer(userID), .text(csrfToken), .integer(expiresAt), .integer(now)])
    }

    /// The live session with `tokenHash`, its user and CSRF token; an expired one is nil (and deleted).
    public func find(tokenHash: [UInt8], now: Int64) throws -> (user: User, csrfToken: String, expiresAt: Int64)? {
        let rows = try database.query(
            """
            SELECT users.id, users.email, users.name, sessions.csrf_token, sessions.expires_at
            FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = ?
            """, [.blob(tokenHash)])
        guard let row = rows.first, let id = row[0].integer, let email = row[1].text, let name = row[2].text,
            let csrf = row[3].text, let expiresAt = row[4].integer
        else { return nil }
        guard expiresAt > now else {
            try delete(tokenHash: tokenHash)
            return nil
        }
        return (User(id: id, email: email, name: name), csrf, expiresAt)
    }

    public func extend(tokenHash: [UInt8], to expiresAt: Int64) throws {
        try database.execute(
            "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", [.integer(expiresAt), .blob(tokenHash)])
    }

    public func delete(tokenHash: [UInt8]) throws {
        try database.execute("DELETE FROM sessions WHERE token_hash = ?", [.blob(tokenHash)])
    }

    /// Removes every expired session (run now and then, not on each request).
    public func deleteExpired(now: Int64) throws {
        try database.execute("DELETE FROM sessions WHERE expires_at <= ?", [.integer(now)])
    }
}
