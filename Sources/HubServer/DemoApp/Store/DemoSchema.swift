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
            ]),
        Migration(
            version: 2,
            [
                // The board's newest event id is stored with every change (after its broadcast), so a page
                // rendered from the database subscribes from exactly where that data stands.
                """
                CREATE TABLE boards (
                  id INTEGER PRIMARY KEY,
                  name TEXT NOT NULL,
                  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  visibility TEXT NOT NULL CHECK (visibility IN ('private', 'public')),
                  last_event_id TEXT NOT NULL DEFAULT '',
                  created_at INTEGER NOT NULL
                )
                """,
                // The owner is a member too: one check answers "may edit".
                """
                CREATE TABLE board_members (
                  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  added_at INTEGER NOT NULL,
                  PRIMARY KEY (board_id, user_id)
                ) WITHOUT ROWID
                """,
                "CREATE INDEX board_members_user ON board_members(user_id)",
                """
                CREATE TABLE cards (
                  id INTEGER PRIMARY KEY,
                  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
                  column_name TEXT NOT NULL CHECK (column_name IN ('todo', 'doing', 'done')),
                  title TEXT NOT NULL,
                  body TEXT NOT NULL,
                  position INTEGER NOT NULL,
                  version INTEGER NOT NULL DEFAULT 1,
                  updated_at INTEGER NOT NULL
                )
                """,
                "CREATE INDEX cards_board ON cards(board_id, column_name, position)",
            ]),
        // Card ids are never used twice: a change aimed at a deleted card (a stale editor, a late click) must
        // find nothing, not the next card made. Plain INTEGER PRIMARY KEY reuses the highest id once it is
        // deleted; AUTOINCREMENT does not (https://sqlite.org/autoinc.html).
        Migration(
            version: 3,
            [
                """
                CREATE TABLE cards_v3 (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
                  column_name TEXT NOT NULL CHECK (column_name IN ('todo', 'doing', 'done')),
                  title TEXT NOT NULL,
                  body TEXT NOT NULL,
                  position INTEGER NOT NULL,
                  version INTEGER NOT NULL DEFAULT 1,
                  updated_at INTEGER NOT NULL
                )
                """,
                "INSERT INTO cards_v3 SELECT id, board_id, column_name, title, body, position, version, updated_at FROM cards",
                "DROP TABLE cards",
                "ALTER TABLE cards_v3 RENAME TO cards",
                "CREATE INDEX cards_board ON cards(board_id, column_name, position)",
            ]),
    ]
}
