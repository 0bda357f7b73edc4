import CSQLite

/// A failed SQLite call: the result code, SQLite's own message, and what was being done.
public struct SQLiteError: Error, CustomStringConvertible, Equatable {
    public let code: Int32
    public let message: String

    init(code: Int32, message: String, doing: String) {
        self.code = code
        self.message = "\(doing): \(message)"
    }

    init(_ code: Int32, _ handle: OpaquePointer?, doing: String) {
        let text =
            handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        self.init(code: code, message: text, doing: doing)
    }

    /// A constraint failed (UNIQUE, FOREIGN KEY, CHECK, NOT NULL): the caller's input, not the store, is wrong.
    public var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }
    /// Another connection held the lock longer than the busy timeout.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY }

    public var description: String { "SQLite error \(code): \(message)" }
}
