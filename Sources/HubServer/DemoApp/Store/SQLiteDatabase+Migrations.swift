/// One numbered step of the schema. Versions start at 1 and rise by one; a step, once released, never
/// changes (a change is a new step).
public struct Migration: Sendable {
    public let version: Int
    public let statements: [String]

    public init(version: Int, _ statements: [String]) {
        self.version = version
        self.statements = statements
    }
}

extension SQLiteDatabase {
    /// The schema version recorded in the file (`PRAGMA user_version`; 0 for a new file).
    public var schemaVersion: Int {
        get throws(SQLiteError) { Int(try query("PRAGMA user_version").first?.first?.integer ?? 0) }
    }

    /// Applies every migration above the file's version, in order, each in its own transaction together with
    /// its version, so a crash leaves the file at one version or the next, never between. Returns how many
    /// were applied.
    /// - Throws: `MigrationError` when the file is from a newer build or the steps are not numbered 1...n;
    ///   `SQLiteError` when a step fails (that step is rolled back).
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws -> Int {
        for (offset, migration) in migrations.enumerated() where migration.version != offset + 1 {
            throw MigrationError("migration \(offset + 1) is numbered \(migration.version)")
        }
        let current = try schemaVersion
        guard current <= migrations.count else {
            throw MigrationError("\(path) is at schema version \(current); this build knows \(migrations.count)")
        }
        for migration in migrations.dropFirst(current) {
            try transaction {
                for sql in migration.statements { try execute(sql) }
                // A pragma takes no parameters; the version is this build's constant, not input.
                try execute("PRAGMA user_version = \(migration.version)")
            }
        }
        return migrations.count - current
    }
}

/// The schema steps and the file do not fit together.
public struct MigrationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
