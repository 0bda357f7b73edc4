/// Failed logins in SQL, for throttling by email and by client address. Same thread as its database.
public struct LoginFailureStore {
    let database: SQLiteDatabase

    public init(_ database: SQLiteDatabase) { self.database = database }

    public func record(email: String, address: String, now: Int64) throws {
        try database.execute(
            "INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)",
            [.text(email), .text(address), .integer(now)])
    }

    /// Failures since `since` for `email` and for `address`, each with its oldest time.
    public func recent(email: String, address: String, since: Int64) throws -> (
        byEmail: (count: Int, oldest: Int64?), byAddress: (count: Int, oldest: Int64?)
    ) {
        let email = try database.query(
            "SELECT count(*), min(at) FROM login_failures WHERE email = ? AND at > ?", [.text(email), .integer(since)])
        let address = try database.query(
            "SELECT count(*), min(at) FROM login_failures WHERE address = ? AND at > ?",
            [.text(address), .integer(since)])
        func summary(_ rows: [[SQLiteValue]]) -> (Int, Int64?) {
            (Int(rows.first?[0].integer ?? 0), rows.first?[1].integer)
        }
        return (summary(email), summary(address))
    }

    /// A successful login forgives its email's failures (not its address's: one address may try many emails).
    public func clear(email: String) throws {
        try database.execute("DELETE FROM login_failures WHERE email = ?", [.text(email)])
    }

    public func deleteOlder(than time: Int64) throws {
        try database.execute("DELETE FROM login_failures WHERE at <= ?", [.integer(time)])
    }
}
