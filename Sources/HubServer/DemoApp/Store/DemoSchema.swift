/// The demo site's schema, step by step. A released step never changes; a change is a new step.
public enum DemoSchema {
    public static let migrations: [Migration] = [
        Migration(
            version: 1,
            [
                """
                CREATE TABLE users (
                  id INTEGER PRIMARY KEY,
                  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                  name TEXT NOT NULL,
                  password_hash TEXT NOT NULL,
                  created_at INTEGER NOT NULL
                )
                """,
                // Only the SHA-256 of a session token is kept: a copy of the file opens no session.
                """
                CREATE TABLE sessions (
                  token_hash BLOB PRIMARY KEY,
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  csrf_token TEXT NOT NULL,
                  expires_at INTEGER NOT NULL,
                  created_at INTEGER NOT NULL
                ) WITHOUT ROWID
                """,
                "CREATE INDEX sessions_user ON sessions(user_id)",
                """
                CREATE TABLE login_failures (
                  id INTEGER PRIMARY KEY,
                  email TEXT NOT NULL COLLATE NOCASE,
                  address TEXT NOT NULL,
                  at INTEGER NOT NULL
                )
                """,
                "CREATE INDEX login_failures_email ON login_failures(email, at)",
                "CREATE INDEX login_failures_address ON login_failures(address, at)",
            ])
    ]
}
