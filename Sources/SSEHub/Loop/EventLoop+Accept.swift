import CLinuxSys
import Glibc

extension EventLoop {
    /// Accepts what is waiting, a bounded batch per readiness report so reads on open connections are not
    /// starved by a connection storm. Returns true when the accept queue was found empty.
    @discardableResult
    func acceptConnections() -> Bool {
        for _ in 0..<256 {
            let fd: Int32
            do {
                switch try Socket.accept(listener) {
                case .processed(let accepted): fd = accepted
                case .wouldBlock: return true
                }
            } catch {
                switch error.errno {
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop asking until a connection closes or the next tick, instead of
                    // spinning on a listener that stays readable.
                    pauseAccepting()
                    return true
                default:
                    // ECONNABORTED and friends concern one connection only.
                    continue
                }
            }
            adopt(fd)
        }
        return false
    }

    private func adopt(_ fd: Int32) {
        Socket.setNoDelay(fd)
        generation = generation &+ 1
        if generation < 2 { generation = 2 }
        let connection = Connection(
            fd: fd, generation: generation, limits: configuration.parserLimits, now: MonotonicClock.now())
        while connections.count <= Int(fd) { connections.append(nil) }
        connections[Int(fd)] = connection
        do {
            try selector.register(fd: fd, generation: generation, interest: .read)
        } catch {
            connections[Int(fd)] = nil
            Socket.close(fd)
            return
        }
        hub.stats.add(.openConnections)
        hub.stats.add(.acceptedConnections)
    }

    func pauseAccepting() {
        guard !acceptPaused else { return }
        acceptPaused = true
        selector.deregister(fd: listener)
        hub.stats.add(.acceptPauses)
    }

    func resumeAccepting() {
        guard acceptPaused, running, !draining else { return }
        acceptPaused = false
        try? selector.register(fd: listener, generation: Self.listenerGeneration, interest: .acceptExclusive)
    }
}
