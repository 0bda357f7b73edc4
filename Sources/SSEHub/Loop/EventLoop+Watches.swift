extension EventLoop {
    func addWatch(fd: Int32, handler: @escaping (LoopReadiness) -> Void) -> FDWatch {
        generation = generation &+ 1
        if generation < 2 { generation = 2 }
        let watch = FDWatch(fd: fd, generation: generation, loop: self, handler: handler)
        watches[fd] = watch
        // Registered with no interest until the owner asks for reads or writes.
        try? selector.register(fd: fd, generation: watch.generation, interest: [])
        return watch
    }

    func updateWatch(_ watch: FDWatch, interest: Interest) {
        try? selector.reregister(fd: watch.fd, generation: watch.generation, interest: interest)
    }

    func removeWatch(_ watch: FDWatch) {
        guard watches[watch.fd] === watch else { return }
        watches[watch.fd] = nil
        selector.deregister(fd: watch.fd)
    }

    /// Reports readiness to a watch; false if `event` is not for one.
    func dispatchToWatch(_ event: ReadinessEvent) -> Bool {
        guard let watch = watches[event.fd], watch.generation == event.generation else { return false }
        // A handler may cancel its watch; check before each report.
        if event.writable && watch.wantsWrite && !watch.cancelled { watch.handler(.writable) }
        if event.readable && watch.wantsRead && !watch.cancelled { watch.handler(.readable) }
        return true
    }

    func addTimer(after nanoseconds: UInt64, _ body: @escaping () -> Void) -> LoopTimer {
        let timer = LoopTimer(deadline: MonotonicClock.now() + nanoseconds, body: body)
        let index = timers.firstIndex { $0.deadline > timer.deadline } ?? timers.count
        timers.insert(timer, at: index)
        return timer
    }

    /// Runs every timer that is due; returns nanoseconds until the next one (nil: none).
    func runDueTimers(now: UInt64) -> UInt64? {
        while let first = timers.first, first.deadline <= now {
            timers.removeFirst()
            if !first.cancelled { first.body() }
        }
        return timers.first.map { $0.deadline > now ? $0.deadline - now : 0 }
    }
}

extension Hub {
    /// Runs `task` on loop `index`'s thread with its `LoopContext` (for clients that live on a loop).
    package func run(onLoop index: Int, _ task: @escaping @Sendable (LoopContext) -> Void) {
        loops[index].send(.task(task))
    }
}
