import Dispatch
import SSEHub
import Synchronization
import Testing

@Suite struct WorkerPoolTests {
    struct Refused: Error {}

    @Test func runsEveryJobWithItsThreadsOwnContext() throws {
        let pool = try WorkerPool<[Int]>(name: "test", threads: 3, queueLimit: 1000) { index in [index] }
        defer { pool.shutdown() }
        let seen = Mutex<[Int: Int]>([:])
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<300 {
            #expect(
                pool.submit { context in
                    context.append(0)  // the context is the thread's alone: mutating it needs no lock
                    seen.withLock { $0[context[0], default: 0] += 1 }
                    done.signal()
                })
        }
        for _ in 0..<300 { #expect(done.wait(timeout: .now() + 10) == .success) }
        let counts = seen.withLock { $0 }
        #expect(counts.values.reduce(0, +) == 300)
        #expect(Set(counts.keys).isSubset(of: [0, 1, 2]))
    }

    @Test func refusesPastItsQueueLimitAndNothingIsLost() throws {
        let pool = try WorkerPool<Void>(name: "test", threads: 1, queueLimit: 4) { _ in () }
        defer { pool.shutdown() }
        let gate = DispatchSemaphore(value: 0)
        let running = DispatchSemaphore(value: 0)
        let ran = Atomic<Int>(0)
        #expect(
            pool.submit { _ in
                running.signal()
                gate.wait()
                ran.add(1, ordering: .relaxed)
            })
        #expect(running.wait(timeout: .now() + 10) == .success)
        // The worker is busy: four jobs wait, the fifth is refused at once.
        for _ in 0..<4 { #expect(pool.submit { _ in ran.add(1, ordering: .relaxed) }) }
        #expect(pool.waiting == 4)
        #expect(!pool.submit { _ in Issue.record("a refused job ran") })
        gate.signal()
        pool.shutdown()
        #expect(ran.load(ordering: .relaxed) == 5, "shutdown lets queued jobs finish")
        #expect(!pool.submit { _ in Issue.record("a job ran after shutdown") })
    }

    /// A job that has run is let go at once, with everything it captured. The queue kept run jobs until 64
    /// had run; a demo-site job captures the hub's answer path, so the hub, its routes and the pool held one
    /// another after shutdown (LeakSanitizer reported the whole graph at exit).
    @Test func aJobThatHasRunNoLongerHoldsWhatItCaptured() throws {
        final class Captured: Sendable {}
        let pool = try WorkerPool<Void>(name: "test", threads: 1, queueLimit: 4) { _ in () }
        defer { pool.shutdown() }
        weak var released: Captured?
        let done = DispatchSemaphore(value: 0)
        do {
            let captured = Captured()
            released = captured
            let queued = pool.submit { _ in
                withExtendedLifetime(captured) {}
                done.signal()
            }
            #expect(queued)
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        // One worker: when the next job runs, the first has returned and its local is gone.
        #expect(pool.submit { _ in done.signal() })
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(released == nil, "the queue still holds a job that has run")
    }

    @Test func aContextThatCannotBeMadeFailsTheStart() {
        #expect(throws: Refused.self) {
            _ = try WorkerPool<Int>(name: "test", threads: 2, queueLimit: 1) { index in
                if index == 1 { throw Refused() }
                return index
            }
        }
    }
}

@Suite struct LoopThreadTests {
    final class WhereItRan: Sendable {
        let onLoop = Mutex<Bool?>(nil)
    }

    @Test func loopThreadsKnowThemselvesAndOthersDoNot() throws {
        #expect(!LoopThread.isCurrent)
        try withHub(routes: { router in
            router.add("GET", "/where") { _, _ in .response(.text(.ok, LoopThread.isCurrent ? "loop" : "other")) }
        }) { hub in
            #expect(try TestHTTP.get(hub.port, "/where").text == "loop")
            let pool = try WorkerPool<Void>(name: "w", threads: 1, queueLimit: 1) { _ in () }
            defer { pool.shutdown() }
            let seen = DispatchSemaphore(value: 0)
            let record = WhereItRan()
            pool.submit { _ in
                record.onLoop.withLock { $0 = LoopThread.isCurrent }
                seen.signal()
            }
            #expect(seen.wait(timeout: .now() + 10) == .success)
            #expect(record.onLoop.withLock { $0 } == false)
        }
    }
}
