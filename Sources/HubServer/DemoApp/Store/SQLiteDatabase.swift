import CSQLite
import SSEHub

/// One connection to a database file, with its prepared statements cached by SQL text. Not thread-safe by
/// design: each worker thread opens its own (one connection per thread, so no connection is ever shared).
///
/// Every connection runs in WAL mode (readers never wait for the writer), with foreign keys enforced and a
/// busy timeout, so a writer waits for another connection's transaction instead of failing at once.
public final class SQLiteDatabase {
    private let handle: OpaquePointer
    public let path: String
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: `SQLiteError` if the file cannot be opened or does not take WAL mode.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = SQLiteError(code, opened, doing: "opening \(path)")
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        self.path = path
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        let mode = try query("PRAGMA journal_mode = WAL").first?.first?.text
        guard mode == "wal" else {
            throw SQLiteError(code: SQLITE_ERROR, message: "journal mode is \(mode ?? "unknown"), not wal", doing: path)
        }
        // In WAL mode NORMAL syncs at checkpoints: a committed transaction survives the process being killed;
        // only a power loss can take back the newest ones.
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs `sql` with `values` bound to its parameters (`?`) and returns the rows.
    @discardableResult
    public func query(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        try statement(sql).rows(values)
    }

    /// Runs `sql` with `values` bound; for statements whose rows do not matter.
    public func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
        _ = try statement(sql).rows(values)
    }

    /// The rowid of the newest row this connection inserted.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by this connection's latest INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in one transaction, committed if it returns and rolled back if it throws. Begins
    /// IMMEDIATE: the write lock is taken up front, so two writers queue on the busy timeout instead of one
    /// failing halfway when it tries to upgrade a read.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        // Every query passes here: on a loop thread it would stall all of that loop's connections.
        assert(!LoopThread.isCurrent, "SQLite used on a hub loop thread; run it on a WorkerPool")
        if let cached = statements[sql] { return cached }
        let prepared = try SQLiteStatement(database: handle, sql: sql)
        statements[sql] = prepared
        return prepared
    }
}
