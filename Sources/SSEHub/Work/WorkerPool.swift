import Glibc
import Synchronization

/// A fixed set of threads for blocking work (SQLite, password hashing) that must never run on an event loop.
/// Each thread owns a `Context` made on it at start (a database connection, say), so nothing in one is shared
/// and it needs no lock. Jobs wait in one queue of at most `queueLimit`; past it `submit` refuses at once, and
/// the caller answers 503 instead of letting work pile up without bound.
///
/// The workers hold the pool until `shutdown()`, which an owner must call (the hub's owner, at exit).
///
/// From a route: `return .deferred { respond in if !pool.submit({ respond(work($0)) }) { respond(busy) } }`.
/// `respond` may be called from the worker; the answer goes back through the loop's deferred path.
public final class WorkerPool<Context>: Sendable {
    /// A job: runs on a worker thread with that thread's own context.
    public typealias Job = @Sendable (inout Context) -> Void

    private struct Queue {
        /// Taken slots are nil: a job that has run must let go of what it captured at once (a demo-site job
        /// holds the hub's answer path, so a kept one tied the hub, its routes and this pool into a cycle).
        var jobs: [Job?] = []
        var head = 0
        var stopped = false
        var count: Int { jobs.count - head }

        mutating func pop() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head].take()
            head += 1
            // Compact once the taken part dominates, so the array does not grow with the jobs ever run.
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    /// The most jobs that may wait; `submit` refuses past it.
    public let queueLimit: Int
    /// The number of worker threads.
    public let threadCount: Int
    private let queue = Mutex(Queue())
    private let available: Semaphore
    private let threads = Mutex<[OSThread]>([])

    /// Starts `threads` workers, each making its context with `makeContext(index)` on its own thread, and
    /// returns once all have. If one cannot (the database will not open), the others stop and the error is
    /// thrown.
    /// - Parameters:
    ///   - name: the threads' name prefix (`name-0`, `name-1`, ...), for debuggers and `top`.
    ///   - threads: how many workers (at least 1).
    ///   - queueLimit: the most jobs that may wait (at least 1).
    /// - Throws: the first error a `makeContext` threw; no thread is left running then.
    public init(
        name: String, threads: Int, queueLimit: Int,
        makeContext: @escaping @Sendable (Int) throws -> Context
    ) throws {
        precondition(threads >= 1 && queueLimit >= 1, "a worker pool needs a thread and room for a job")
        self.queueLimit = queueLimit
        self.threadCount = threads
        available = Semaphore()
        let started = Semaphore()
        let failure = Mutex<(any Error)?>(nil)
        var running: [OSThread] = []
        for index in 0..<threads {
            running.append(
                OSThread(name: "\(name)-\(index)") { [self] in
                    var context: Context
                    do {
                        context = try makeContext(index)
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                        started.signal()
                        return
                    }
                    started.signal()
                    work(with: &context)
                })
        }
        for _ in 0..<threads { started.wait() }
        self.threads.withLock { $0 = running }
        if let error = failure.withLock({ $0 }) {
            shutdown()
            throw error
        }
    }

    /// Queues `job` for the next free worker; false (and nothing queued) when `queueLimit` jobs already wait
    /// or the pool is shut down.
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        let queued = queue.withLock { queue -> Bool in
            guard !queue.stopped, queue.count < queueLimit else { return false }
            queue.jobs.append(job)
            return true
        }
        if queued { available.signal() }
        return queued
    }

    /// Jobs waiting for a worker now.
    public var waiting: Int { queue.withLock { $0.count } }

    /// Lets the queued jobs finish, stops the workers and waits for them. Idempotent.
    public func shutdown() {
        let wasRunning = queue.withLock { queue -> Bool in
            defer { queue.stopped = true }
            return !queue.stopped
        }
        let running = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        if wasRunning { for _ in 0..<threadCount { available.signal() } }
        for thread in running { thread.join() }
    }

    private func work(with context: inout Context) {
        while true {
            available.wait()
            let next = queue.withLock { queue -> (job: Job?, stop: Bool) in (queue.pop(), queue.stopped) }
            if let job = next.job {
                job(&context)
            } else if next.stop {
                return
            }
        }
    }
}

/// A POSIX counting semaphore (futex-backed in glibc): wakes one waiting worker per queued job.
final class Semaphore: @unchecked Sendable {
    // sem_t must not move once initialised, so it lives in its own allocation.
    private let handle = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(handle, 0, 0) }

    deinit {
        sem_destroy(handle)
        handle.deallocate()
    }

    func signal() { sem_post(handle) }

    func wait() {
        while sem_wait(handle) != 0 {}  // EINTR: a signal arrived; keep waiting.
    }
}
