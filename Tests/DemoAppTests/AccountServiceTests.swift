import DemoApp
import Synchronization
import Testing

/// Accounts over a real SQLite file, with a clock the test moves.
@Suite struct AccountServiceTests {
    final class TestClock: Sendable {
        let seconds = Atomic<Int64>(1_800_000_000)
        func advance(_ delta: Int64) { seconds.add(delta, ordering: .relaxed) }
        var now: Int64 { seconds.load(ordering: .relaxed) }
    }

    /// A cheap hasher keeps the suite fast; the OWASP parameters have their own test.
    static var fastHasher: PasswordHasher {
        var hasher = PasswordHasher()
        hasher.memoryKiB = 64
        hasher.passes = 1
        return hasher
    }

    func service(_ clock: TestClock, hasher: PasswordHasher = fastHasher) throws -> (AccountService, SQLiteDatabase) {
        let database = try SQLiteDatabase(path: SQLiteDatabaseTests.temporaryDirectory() + "/demo.sqlite3")
        try database.migrate(DemoSchema.migrations)
        return (AccountService(database: database, hasher: hasher, now: { clock.now }), database)
    }

    @Test func signsUpLogsInAndOutWithSessionsStoredHashed() throws {
        let clock = TestClock()
        let (accounts, database) = try service(clock)
        let signedUp = try accounts.signUp(email: " Ada@Example.com ", name: " Ada ", password: "0123456789").get()
        #expect(signedUp.user.email == "Ada@Example.com" && signedUp.user.name == "Ada")
        #expect(try accounts.session(for: signedUp.token)?.user == signedUp.user)

        guard
            case .loggedIn(let session) = try accounts.logIn(
                email: "ada@example.com", password: "0123456789", address: "a")
        else {
            Issue.record("login failed")
            return
        }
        #expect(session.token != signedUp.token, "a new token at every login")
        #expect(session.csrfToken != signedUp.csrfToken)
        let stored = try database.query("SELECT token_hash FROM sessions").compactMap { $0[0].blob }
        #expect(Set(stored) == [signedUp.token.storedHash, session.token.storedHash])

        try accounts.logOut(session.token)
        #expect(try accounts.session(for: session.token) == nil)
        #expect(try accounts.session(for: signedUp.token) != nil, "other sessions stay")
        #expect(try accounts.session(for: Token()) == nil)
    }

    @Test func signUpNamesEveryWrongFieldAtItsEdge() throws {
        let (accounts, _) = try service(TestClock())
        let errors = try #require(
            try accounts.signUp(email: "not-an-email", name: "  ", password: "012345678").failureValue)
        #expect(errors["email"] != nil && errors["name"] != nil && errors["password"] == "Use at least 10 characters.")
        for email in [
            "a@b", "@b.c", "a@.b", "a@b.", "a b@c.d", "a@b@c.d", String(repeating: "a", count: 250) + "@b.co",
        ] {
            #expect(
                try accounts.signUp(email: email, name: "n", password: "0123456789").failureValue?["email"] != nil,
                "\(email)")
        }
        #expect(
            try accounts.signUp(email: "x@y.z", name: String(repeating: "n", count: 101), password: "0123456789")
                .failureValue?["name"] != nil)
        #expect(
            try accounts.signUp(email: "x@y.z", name: "n", password: String(repeating: "p", count: 1025)).failureValue?[
                "password"] != nil)
        // Ten characters, not bytes: "éééééééééé" is ten.
        #expect(
            try accounts.signUp(email: "x@y.z", name: String(repeating: "n", count: 100), password: "éééééééééé")
                .failureValue == nil)
        #expect(
            try accounts.signUp(email: "X@Y.Z", name: "other", password: "0123456789").failureValue?["email"]?.contains(
                "already exists") == true)
    }

    @Test func unknownEmailAndWrongPasswordAreOneAnswer() throws {
        let (accounts, _) = try service(TestClock())
        _ = try accounts.signUp(email: "b@example.com", name: "B", password: "0123456789")
        #expect(try accounts.logIn(email: "b@example.com", password: "0123456788", address: "a") == .invalid)
        #expect(try accounts.logIn(email: "nobody@example.com", password: "0123456789", address: "b") == .invalid)
        #expect(
            try accounts.logIn(email: "b@example.com", password: String(repeating: "p", count: 5000), address: "c")
                == .invalid)
    }

    @Test func fiveFailuresThrottleAnEmailAndAnAddressForTheWindow() throws {
        let clock = TestClock()
        let (accounts, _) = try service(clock)
        _ = try accounts.signUp(email: "c@example.com", name: "C", password: "0123456789")
        for attempt in 1...5 {
            #expect(
                try accounts.logIn(email: "c@example.com", password: "wrong-\(attempt)", address: "10.0.0.\(attempt)")
                    == .invalid)
            clock.advance(60)
        }
        // The sixth try is refused even with the right password, until the first failure is 15 minutes old.
        #expect(
            try accounts.logIn(email: "c@example.com", password: "0123456789", address: "10.0.0.9")
                == .throttled(retryAfterSeconds: 600))
        clock.advance(600)
        guard case .loggedIn = try accounts.logIn(email: "c@example.com", password: "0123456789", address: "10.0.0.9")
        else {
            Issue.record("still throttled after the window")
            return
        }
        // One address trying many emails is throttled too, for every email.
        for attempt in 1...5 {
            #expect(
                try accounts.logIn(email: "guess\(attempt)@example.com", password: "0123456789", address: "192.0.2.1")
                    == .invalid)
        }
        #expect(
            try accounts.logIn(email: "c@example.com", password: "0123456789", address: "192.0.2.1")
                == .throttled(retryAfterSeconds: 900))
    }

    @Test func sessionsSlideForThirtyDaysOfUseAndEndAfterThirtyIdle() throws {
        let clock = TestClock()
        let (accounts, _) = try service(clock)
        let session = try accounts.signUp(email: "d@example.com", name: "D", password: "0123456789").get()
        clock.advance(24 * 3600 - 1)
        #expect(try accounts.session(for: session.token)?.wasExtended == false, "at most one slide a day")
        clock.advance(29 * 24 * 3600 - (24 * 3600 - 1))
        let slid = try accounts.session(for: session.token)
        #expect(slid?.expiresAt == clock.now + 30 * 24 * 3600 && slid?.wasExtended == true)
        clock.advance(30 * 24 * 3600 - 1)
        #expect(try accounts.session(for: session.token) != nil)
        clock.advance(30 * 24 * 3600)
        #expect(try accounts.session(for: session.token) == nil)
    }

    @Test func hashesWithOWASPParametersAndRehashesWeakerOnesAtLogin() throws {
        let clock = TestClock()
        let (weak, database) = try service(clock)
        _ = try weak.signUp(email: "e@example.com", name: "E", password: "0123456789")
        let strong = AccountService(database: database, now: { clock.now })
        guard case .loggedIn = try strong.logIn(email: "e@example.com", password: "0123456789", address: "a") else {
            Issue.record("login with the older hash failed")
            return
        }
        let hash = try database.query("SELECT password_hash FROM users").first?.first?.text ?? ""
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { failure } else { nil }
    }
}
