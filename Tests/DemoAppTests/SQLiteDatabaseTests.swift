import DemoApp
import Glibc
import Testing

/// The store's connection over real database files in a fresh temporary directory.
@Suite struct SQLiteDatabaseTests {
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/ssehub-store-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    static let schema = [
        Migration(version: 1, ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)"]),
        Migration(
            version: 2,
            [
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, user INTEGER NOT NULL REFERENCES users(id), body TEXT)",
                "CREATE INDEX notes_user ON notes(user)",
            ]),
    ]

    @Test func migratesOnceInOrderAndRecordsTheVersion() throws {
        let path = Self.temporaryDirectory() + "/store.sqlite3"
        do {
            let database = try SQLiteDatabase(path: path)
            #expect(try database.schemaVersion == 0)
            #expect(try database.migrate(Array(Self.schema.prefix(1))) == 1)
            #expect(try database.migrate(Self.schema) == 1)
            #expect(try database.schemaVersion == 2)
        }
        let reopened = try SQLiteDatabase(path: path)
        #expect(try reopened.migrate(Self.schema) == 0)
        #expect(try reopened.query("PRAGMA journal_mode").first?.first == "wal")
        #expect(try reopened.query("PRAGMA foreign_keys").first?.first == 1)
    }

    @Test func refusesAFileFromANewerBuildAndMisnumberedSteps() throws {
        let database = try SQLiteDatabase(path: Self.temporaryDirectory() + "/store.sqlite3")
        try database.migrate(Self.schema)
        #expect(throws: MigrationError.self) { try database.migrate(Array(Self.schema.prefix(1))) }
        #expect(throws: MigrationError.self) { try database.migrate([Migration(version: 2, [])]) }
    }

    @Test func aFailingStepIsRolledBackWithItsVersion() throws {
        let database = try SQLiteDatabase(path: Self.temporaryDirectory() + "/store.sqlite3")
        let broken = [Self.schema[0], Migration(version: 2, ["CREATE TABLE t (a)", "CREATE TABLE t (a)"])]
        #expect(throws: SQLiteError.self) { try database.migrate(broken) }
        #expect(try database.schemaVersion == 1)
        #expect(try database.query("SELECT name FROM sqlite_master WHERE name = 't'").isEmpty)
    }

    @Test func bindsInputAsValuesNeverAsSQL() throws {
        let database = try SQLiteDatabase(path: Self.temporaryDirectory() + "/store.sqlite3")
        try database.migrate(Self.schema)
        let hostile = "x'); DROP TABLE users; --"
        try database.execute("INSERT INTO users (email) VALUES (?)", [.text(hostile)])
        #expect(try database.query("SELECT email FROM users").first?.first == .text(hostile))
        let bytes: [UInt8] = [0, 0xFF, 0x27, 0x0A]
        let rows = try database.query("SELECT ?, ?, ?", [.blob(bytes), nil, .integer(Int64.min)])
        #expect(rows == [[.blob(bytes), .null, .integer(Int64.min)]])
        #expect(throws: SQLiteError.self) { try database.query("SELECT ?", []) }
    }

    @Test func enforcesConstraintsAndRollsBackAFailedTransaction() throws {
        let database = try SQLiteDatabase(path: Self.temporaryDirectory() + "/store.sqlite3")
        try database.migrate(Self.schema)
        try database.execute("INSERT INTO users (email) VALUES ('a@example.com')")
        do {
            try database.execute("INSERT INTO users (email) VALUES ('a@example.com')")
            Issue.record("a duplicate email was accepted")
        } catch {
            #expect(error.isConstraint)
        }
        // Foreign keys are on: a note of a user who does not exist is refused, and the whole transaction with it.
        #expect(throws: SQLiteError.self) {
            try database.transaction {
                try database.execute("INSERT INTO users (email) VALUES ('b@example.com')")
                try database.execute("INSERT INTO notes (user, body) VALUES (99, 'orphan')")
            }
        }
        #expect(try database.query("SELECT count(*) FROM users").first?.first == 1)
    }

    @Test func aSecondConnectionWaitsForTheWriterInsteadOfFailing() throws {
        let path = Self.temporaryDirectory() + "/store.sqlite3"
        let first = try SQLiteDatabase(path: path)
        try first.migrate(Self.schema)
        let second = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 50)
        // While one connection holds the write lock, the other's reads still see the last commit (WAL) and its
        // write waits out the busy timeout, then reports busy.
        try first.transaction {
            try first.execute("INSERT INTO users (email) VALUES ('held@example.com')")
            #expect(try second.query("SELECT count(*) FROM users").first?.first == 0)
            do {
                try second.execute("INSERT INTO users (email) VALUES ('other@example.com')")
                Issue.record("a second writer got in")
            } catch let error as SQLiteError {
                #expect(error.isBusy)
            }
        }
        try second.execute("INSERT INTO users (email) VALUES ('other@example.com')")
        #expect(try first.query("SELECT count(*) FROM users").first?.first == 2)
    }
}
