/// A logged-in session: its token (for the cookie), its user, and the CSRF token its forms must carry.
public struct Session: Sendable, Equatable {
    public let token: Token
    public let user: User
    public let csrfToken: String
    public let expiresAt: Int64
    /// This lookup moved `expiresAt` forward. The browser must then get the cookie again with the new
    /// lifetime (RFC 6265 §5.2.2: `Max-Age` counts from when the browser receives it), or it drops the cookie
    /// at the old expiry while the server still holds the session.
    public var wasExtended = false
}

/// How a login went. Unknown email and wrong password are one case, with one message and one cost.
public enum LoginOutcome: Sendable, Equatable {
    case loggedIn(Session)
    case invalid
    case throttled(retryAfterSeconds: Int64)
}

/// The rules of accounts: sign-up, login with throttling, sliding sessions, logout. Runs on a worker thread
/// (it hashes passwords and touches SQLite); one per thread, each with its own database connection.
public final class AccountService {
    let users: UserStore
    let sessions: SessionStore
    let failures: LoginFailureStore
    let database: SQLiteDatabase
    let hasher: PasswordHasher
    public let policy: AccountPolicy
    /// Seconds since the Unix epoch; a parameter so tests can move time.
    let now: () -> Int64

    /// A hash verified for unknown emails, so they cost what a wrong password costs.
    private static let decoyHash = PasswordHasher().hash(Token().text)

    public init(
        database: SQLiteDatabase, hasher: PasswordHasher = PasswordHasher(), policy: AccountPolicy = AccountPolicy(),
        now: @escaping () -> Int64
    ) {
        self.database = database
        users = UserStore(database)
        sessions = SessionStore(database)
        failures = LoginFailureStore(database)
        self.hasher = hasher
        self.policy = policy
        self.now = now
    }

    /// Creates an account and logs it in. Field errors name each field; a taken email is one of them.
    public func signUp(email rawEmail: String, name rawName: String, password: String) throws -> Result<
        Session, FieldErrors
    > {
        let email = AccountValidation.trimmed(rawEmail)
        let name = AccountValidation.trimmed(rawName)
        var errors = FieldErrors()
        errors.messages["email"] = AccountValidation.emailProblem(email, policy: policy)
        errors.messages["name"] = AccountValidation.nameProblem(name, policy: policy)
        errors.messages["password"] = AccountValidation.passwordProblem(password, policy: policy)
        guard errors.isEmpty else { return .failure(errors) }
        let hash = hasher.hash(password)
        let time = now()
        guard let user = try users.insert(email: email, name: name, passwordHash: hash, now: time) else {
            return .failure(FieldErrors(["email": "An account with this email already exists. Log in instead?"]))
        }
        return .success(try startSession(for: user, now: time))
    }

    /// Checks the password (throttled per email and per client address) and starts a new session: a fresh
    /// token at every login, so a token planted before it is worth nothing (no fixation).
    public func logIn(email rawEmail: String, password: String, address: String) throws -> LoginOutcome {
        let email = AccountValidation.trimmed(rawEmail)
        let time = now()
        let since = time - policy.throttleWindow
        let recent = try failures.recent(email: email, address: address, since: since)
        let blocking = [recent.byEmail, recent.byAddress].filter { $0.count >= policy.throttleFailures }
        if let oldest = blocking.compactMap(\.oldest).min() {
            return .throttled(retryAfterSeconds: max(1, oldest + policy.throttleWindow - time))
        }
        let found = password.utf8.count <= policy.maximumPasswordBytes ? try users.find(email: email) : nil
        let matches = hasher.verify(password, against: found?.passwordHash ?? Self.decoyHash)
        guard let found, matches else {
            try failures.record(email: email, address: address, now: time)
            return .invalid
        }
        try failures.clear(email: email)
        if hasher.needsRehash(found.passwordHash) {
            try users.updatePasswordHash(userID: found.user.id, hasher.hash(password))
        }
        return .loggedIn(try startSession(for: found.user, now: time))
    }

    /// The live session for `token`, its expiry slid forward (written at most once per extension interval).
    public func session(for token: Token) throws -> Session? {
        let time = now()
        let hash = token.storedHash
        guard let found = try sessions.find(tokenHash: hash, now: time) else { return nil }
        var session = Session(token: token, user: found.user, csrfToken: found.csrfToken, expiresAt: found.expiresAt)
        if time + policy.sessionLifetime - found.expiresAt >= policy.sessionExtensionInterval {
            session = Session(
                token: token, user: found.user, csrfToken: found.csrfToken, expiresAt: time + policy.sessionLifetime,
                wasExtended: true)
            try sessions.extend(tokenHash: hash, to: session.expiresAt)
        }
        return session
    }

    /// Ends the session on the server: the cookie's token opens nothing afterwards.
    public func logOut(_ token: Token) throws {
        try sessions.delete(tokenHash: token.storedHash)
    }

    private func startSession(for user: User, now time: Int64) throws -> Session {
        let token = Token()
        let csrf = Token().text
        let expiresAt = time + policy.sessionLifetime
        try sessions.insert(
            tokenHash: token.storedHash, userID: user.id, csrfToken: csrf, expiresAt: expiresAt, now: time)
        return Session(token: token, user: user, csrfToken: csrf, expiresAt: expiresAt)
    }
}
