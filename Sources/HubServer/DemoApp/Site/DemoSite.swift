import Glibc
import SSEHub

/// Where the demo site keeps its data and how it sets cookies.
public struct DemoSettings: Sendable {
    /// The SQLite file, created (with its folder) on first start.
    public var databasePath = "var/demo.sqlite3"
    /// Threads for SQLite and password hashing, and how many requests may wait for one.
    public var workers = 2
    public var queueLimit = 256
    /// `Secure` on cookies: on when the site is served over HTTPS (behind a proxy), off for plain HTTP.
    public var secureCookies = false
    public var accounts = AccountPolicy()
    /// Seconds since the Unix epoch, for session expiry and login throttling. The system clock; a test that
    /// must cross a day or a month sets its own.
    public var clock: @Sendable () -> Int64 = { Int64(time(nil)) }

    public init() {}
}

/// One worker thread's share of the site: its own database connection and the services on it.
public final class DemoWorker {
    public let database: SQLiteDatabase
    public let accounts: AccountService
    public let boards: BoardService

    init(database: SQLiteDatabase, policy: AccountPolicy, clock: @escaping @Sendable () -> Int64) {
        self.database = database
        boards = BoardService(database: database, now: clock)
        accounts = AccountService(database: database, policy: policy, now: clock)
    }
}

/// The demo site: its pages and forms as routes on the hub, its blocking work on a worker pool. Routes run on
/// loops and never touch SQLite or Argon2 themselves; they hand that to `work`, whose answer comes back
/// through the hub's deferred path.
public final class DemoSite: Sendable {
    public let settings: DemoSettings
    let pool: WorkerPool<DemoWorker>
    /// Orders each board's changes: committed and broadcast one at a time (see `BoardLive`).
    let boardLocks = BoardLocks()
    /// The public board the home page links to (`GET /demo`).
    let welcomeBoardID: Int64

    /// Opens (creating) the database, brings its schema up to date once, then starts the workers, each with
    /// its own connection.
    /// - Throws: `SQLiteError` or `MigrationError` when the file cannot be used.
    public static func open(_ settings: DemoSettings) throws -> DemoSite {
        try DatabaseFolder.create(for: settings.databasePath)
        let database = try SQLiteDatabase(path: settings.databasePath)
        try database.migrate(DemoSchema.migrations)
        let welcome = try WelcomeBoard.ensure(in: database, now: settings.clock())
        let pool = try WorkerPool<DemoWorker>(
            name: "demo", threads: settings.workers, queueLimit: settings.queueLimit
        ) { _ in
            DemoWorker(
                database: try SQLiteDatabase(path: settings.databasePath), policy: settings.accounts,
                clock: settings.clock)
        }
        return DemoSite(settings: settings, pool: pool, welcomeBoardID: welcome)
    }

    private init(settings: DemoSettings, pool: WorkerPool<DemoWorker>, welcomeBoardID: Int64) {
        self.settings = settings
        self.pool = pool
        self.welcomeBoardID = welcomeBoardID
    }

    /// Adds the site's routes.
    public func register(in router: inout RouterBuilder) {
        AccountRoutes(site: self).register(in: &router)
        BoardPages(site: self).register(in: &router)
        let welcome = "/boards/\(welcomeBoardID)"
        router.add("GET", "/demo") { _, _ in .response(.redirect(to: welcome)) }
        BoardActions(site: self).register(in: &router)
        router.use(BoardChannelGate(site: self))
        AccountPage(site: self).register(in: &router)
    }

    /// Lets queued work finish and stops the workers.
    public func shutdown() { pool.shutdown() }

    /// Runs `body` on a worker and answers with what it returns: a thrown `HTTPError` is its own answer,
    /// anything else a 500 that names no internals; a full queue a 503 at once.
    func work(_ body: @escaping @Sendable (DemoWorker) throws -> HTTPResponse) -> RouteResult {
        .deferred { [pool] respond in
            let queued = pool.submit { worker in
                do {
                    respond(try body(worker))
                } catch let error as HTTPError {
                    respond(error.response)
                } catch {
                    Log.error("demo", "\(error)")
                    respond(HTTPError(.internalServerError, "the site could not do that; try again").response)
                }
            }
            if !queued {
                respond(
                    HTTPError(
                        .serviceUnavailable, "the site is busy; try again in a moment", headers: [("Retry-After", "1")]
                    )
                    .response)
            }
        }
    }
}
